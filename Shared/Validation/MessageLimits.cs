namespace Vigil.Shared.Validation;

/// <summary>Bounds on every field an agent sends. Both sides use them: the agent to fail early with
/// a clear message, the control plane to refuse anything outside them.</summary>
public static class MessageLimits
{
    /// <summary>DNS names are at most 253 characters; node names follow the same bound.</summary>
    public const int NodeNameMaxLength = 253;
    public const int AgentVersionMaxLength = 64;
    public const int OperatingSystemMaxLength = 256;
    public const int ProcessorCountMax = 4096;
    public const int HeartbeatIntervalMinMs = 100;
    public const int HeartbeatIntervalMaxMs = 60_000;
    public const int LabelCountMax = 32;
    public const int LabelKeyMaxLength = 63;
    public const int LabelValueMaxLength = 256;

    /// <summary>Installed Windows services an agent lists at registration (a server has a few hundred), and the length of each name (the SCM's own limit).</summary>
    public const int InstalledServiceCountMax = 1024;
    public const int InstalledServiceNameMaxLength = 256;

    /// <summary>One pebibyte: no host reports more memory than this.</summary>
    public const long MemoryBytesMax = 1L << 50;

    /// <summary>Managed services per node; a heartbeat reports all of them.</summary>
    public const int ServiceCountMax = 128;
    public const int ServiceNameMaxLength = 64;
    public const int ReasonMaxLength = 512;

    /// <summary>A Windows service's start type or account name.</summary>
    public const int ServiceAttributeMaxLength = 128;
    public const int VolumeCountMax = 32;
    public const int VolumeNameMaxLength = 256;

    /// <summary>Events sent in one batch.</summary>
    public const int EventBatchMax = 100;
    public const int EventMessageMaxLength = 2048;

    /// <summary>
    /// The agent's budget of event text per call, in UTF-8 bytes: even escaped as JSON (up to six
    /// bytes a character) a batch stays under the smallest allowed message limit of 1 MiB.
    /// </summary>
    public const int EventBatchBytesMax = 128 * 1024;

    /// <summary>Failover groups a node takes part in.</summary>
    public const int RoleCountMax = 128;
    public const int GroupNameMaxLength = 64;

    /// <summary>The text of a command's outcome, e.g. with an activation hook's output.</summary>
    public const int CommandMessageMaxLength = 2048;

    public const int ProbeCountMax = 8;
    public const int ArgumentCountMax = 64;
    public const int ArgumentMaxLength = 4096;
    public const int EnvironmentCountMax = 64;
    public const int PathMaxLength = 1024;

    /// <summary>Entries of each allow-list of an agent's remote execution setting.</summary>
    public const int AllowedPathCountMax = 64;

    /// <summary>A century of uptime.</summary>
    public const long UptimeSecondsMax = 100L * 366 * 24 * 3600;
}

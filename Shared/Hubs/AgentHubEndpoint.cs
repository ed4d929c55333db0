namespace Vigil.Shared.Hubs;

/// <summary>Where agents connect and how large a single hub message may be.</summary>
public static class AgentHubEndpoint
{
    /// <summary>Path of the agent hub on the control plane, relative to its base URL.</summary>
    public const string Path = "/hubs/agent";

    /// <summary>Default upper bound for one message in either direction, in bytes.</summary>
    public const int DefaultMaximumMessageBytes = 64 * 1024;

    /// <summary>Builds the hub URL from a control plane base URL such as <c>http://cp:5080</c>.</summary>
    public static Uri For(Uri controlPlane) => new(controlPlane, Path);
}

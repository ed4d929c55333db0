namespace Vigil.Shared.Hubs;

/// <summary>Where agents connect and how large a single hub message may be.</summary>
public static class AgentHubEndpoint
{
    /// <summary>Path of the agent hub on the control plane, relative to its base URL.</summary>
    public const string Path = "/hubs/agent";

    /// <summary>
    /// Default upper bound for one message in either direction, in bytes, and the least a control
    /// plane may be set to: the largest valid heartbeat (128 services whose texts are all at their
    /// longest, ~0.7 MB as escaped JSON) and the agent's event batches (at most 128 KiB of text) stay
    /// under it in either protocol. A smaller bound could refuse a valid message again and again.
    /// </summary>
    public const int DefaultMaximumMessageBytes = 1024 * 1024;

    /// <summary>Builds the hub URL from a control plane base URL such as <c>http://cp:5080</c>.</summary>
    public static Uri For(Uri controlPlane) => new(controlPlane, Path);
}

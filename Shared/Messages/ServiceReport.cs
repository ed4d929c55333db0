using Vigil.Shared.Services;

namespace Vigil.Shared.Messages;

/// <summary>The state of one managed service, carried by every heartbeat. Kept small.</summary>
public sealed record ServiceReport
{
    public required string Name { get; init; }

    public required string Kind { get; init; }

    public required ServiceState State { get; init; }

    public required ServiceHealth Health { get; init; }

    /// <summary>Why the health is what it is, in an operator's words.</summary>
    public required string Reason { get; init; }

    public int? ProcessId { get; init; }

    /// <summary>Restarts the agent made within the current restart window.</summary>
    public int RestartCount { get; init; }

    /// <summary>CPU use of the service's process over the last interval, in percent of one core.</summary>
    public double? CpuPercent { get; init; }

    public long? WorkingSetBytes { get; init; }

    public int? ThreadCount { get; init; }

    /// <summary>Open handles (Windows only).</summary>
    public int? HandleCount { get; init; }

    /// <summary>windows kind: the start type the service control manager has (Automatic, Manual, Disabled, ...).</summary>
    public string? StartType { get; init; }

    /// <summary>windows kind: the account the service runs as (LocalSystem, NT AUTHORITY\NetworkService, DOMAIN\user).</summary>
    public string? Account { get; init; }

    /// <summary>
    /// The same service in the same state: equal in everything but the process figures (CPU, working set,
    /// threads, handles), which move with every sample.
    /// </summary>
    public bool SameStateAs(ServiceReport other) =>
        string.Equals(Name, other.Name, StringComparison.Ordinal)
        && string.Equals(Kind, other.Kind, StringComparison.Ordinal)
        && State == other.State
        && Health == other.Health
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal)
        && ProcessId == other.ProcessId
        && RestartCount == other.RestartCount
        && string.Equals(StartType, other.StartType, StringComparison.Ordinal)
        && string.Equals(Account, other.Account, StringComparison.Ordinal);
}

using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Runtime;

/// <summary>What the operating system says about a managed service right now.</summary>
public sealed record ServiceObservation
{
    public required ServiceState State { get; init; }

    public int? ProcessId { get; init; }

    /// <summary>In an operator's words, when the state needs explaining ("service 'X' was not found").</summary>
    public string? Detail { get; init; }

    /// <summary>Exit code of the run that ended, when known.</summary>
    public int? ExitCode { get; init; }

    /// <summary>windows: the account the service runs as.</summary>
    public string? Account { get; init; }

    /// <summary>windows: Automatic, Manual, Disabled, ...</summary>
    public string? StartType { get; init; }

    public static ServiceObservation Unknown(string detail) => new() { State = ServiceState.Unknown, Detail = detail };
}

/// <summary>
/// Controls one managed service through the operating system. One implementation per kind
/// (<c>ProcessServiceManager</c>, <c>WindowsScmServiceManager</c>),
/// chosen once when the service is configured. Operations throw <see cref="ServiceOperationException"/>
/// with a message an operator can act on; they never crash the agent.
/// </summary>
public interface IServiceManager : IAsyncDisposable
{
    /// <summary>Queries the state. Never throws: a failed query is an Unknown state with the reason.</summary>
    ServiceObservation Observe();

    /// <summary>Completes when the service may have changed on its own (its process exited); kinds that cannot tell never complete it.</summary>
    Task WaitForExitAsync(CancellationToken cancellationToken);

    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops gracefully, then forcefully when the graceful stop takes too long.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    Task PauseAsync(CancellationToken cancellationToken);

    Task ContinueAsync(CancellationToken cancellationToken);

    /// <summary>Ends the service at once (its whole process tree).</summary>
    Task KillAsync(CancellationToken cancellationToken);

    /// <summary>The service's main process, for metrics; null when not running or not known.</summary>
    int? ProcessId { get; }

    /// <summary>
    /// For a member of a failover group: makes sure nothing but the agent starts the service (the
    /// windows kind: start type Manual, no recovery actions, so that the service control manager
    /// cannot start it behind the agent's back). Returns what it changed, in an operator's words;
    /// empty when nothing needed changing, as for kinds only the agent starts.
    /// </summary>
    IReadOnlyList<string> KeepStartsToTheAgent() => [];
}

/// <summary>An operation on a managed service failed; the message says why, for an operator.</summary>
public sealed class ServiceOperationException(string message, Exception? inner = null, string? key = null) : Exception(message, inner)
{
    /// <summary>The definition field at fault, when the cause is configuration (e.g. <c>Executable</c>).</summary>
    public string? Key { get; } = key;
}

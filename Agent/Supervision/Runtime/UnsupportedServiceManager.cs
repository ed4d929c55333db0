namespace Vigil.Agent.Supervision.Runtime;

/// <summary>A kind this operating system cannot run (a Windows service on Linux): always Unknown, with why.</summary>
public sealed class UnsupportedServiceManager(string reason) : IServiceManager
{
    public int? ProcessId => null;

    public ServiceObservation Observe() => ServiceObservation.Unknown(reason);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => throw new ServiceOperationException(reason);

    public Task StopAsync(CancellationToken cancellationToken) => throw new ServiceOperationException(reason);

    public Task PauseAsync(CancellationToken cancellationToken) => throw new ServiceOperationException(reason);

    public Task ContinueAsync(CancellationToken cancellationToken) => throw new ServiceOperationException(reason);

    public Task KillAsync(CancellationToken cancellationToken) => throw new ServiceOperationException(reason);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

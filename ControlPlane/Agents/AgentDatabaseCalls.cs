using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// The agent hub's calls that need the database (events, command outcomes, the desired configuration)
/// and the credential check: bounded in number and in time (<see cref="AgentsOptions.DatabaseCallTimeout"/>),
/// so that a slow or hung database answers an agent "not now, send again" instead of holding its
/// connection. One connection has at most <see cref="PerConnection"/> of them in flight, so that its
/// heartbeats always find one of the hub's <see cref="AgentHubSetup.ParallelCallsPerConnection"/> places free.
/// </summary>
public sealed class AgentDatabaseCalls(IOptions<AgentsOptions> options, TimeProvider time)
{
    public const int PerConnection = AgentHubSetup.ParallelCallsPerConnection - 2;
    private readonly BoundedDatabaseCalls _calls = new(options.Value.DatabaseCallsInFlight, options.Value.DatabaseCallTimeout, time);

    public Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        _calls.RunAsync(call, cancellationToken);

    /// <summary>A call on behalf of the agent connection <paramref name="connection"/>.</summary>
    internal async Task<T> RunAsync<T>(AgentCaller connection, Func<CancellationToken, Task<T>> call)
    {
        var inFlight = connection.DatabaseCallsInFlight;
        if (Interlocked.Increment(ref inFlight.Value) > PerConnection)
        {
            Interlocked.Decrement(ref inFlight.Value);
            throw new TimeoutException($"{PerConnection} calls of this connection are waiting for the database already.");
        }

        try
        {
            return await _calls.RunAsync(call, connection.Aborted);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight.Value);
        }
    }

    internal async Task RunAsync(AgentCaller connection, Func<CancellationToken, Task> call) =>
        await RunAsync(
            connection,
            async token =>
            {
                await call(token);
                return true;
            });
}

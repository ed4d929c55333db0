using System.Net.Sockets;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Probes;

/// <summary>Healthy when a TCP connection to host:port opens within the timeout.</summary>
public sealed class TcpProbe(ProbeDefinition definition) : IProbe
{
    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.Timeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(definition.Host!, definition.Port, timeout.Token);
            return ProbeResult.Pass($"connected to {definition.Host}:{definition.Port}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Fail($"no connection to {definition.Host}:{definition.Port} within {definition.Timeout.TotalSeconds:0.###} s");
        }
        catch (SocketException exception)
        {
            return ProbeResult.Fail($"{definition.Host}:{definition.Port}: {exception.Message}");
        }
    }
}

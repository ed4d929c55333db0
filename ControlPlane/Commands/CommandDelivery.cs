using Microsoft.AspNetCore.SignalR;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Commands;

/// <summary>
/// The one writer that hands commands to agents' connections: for a node that (re)connected or got a
/// new command, and every second for answers overdue; the same tick expires and times out commands.
/// </summary>
internal sealed partial class CommandDelivery(
    CommandPipeline pipeline,
    NodeRegistry registry,
    IHubContext<AgentHub, IAgentClient> hub,
    TimeProvider time,
    ILogger<CommandDelivery> logger) : BackgroundService
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextSweep = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            using var tick = new CancellationTokenSource(SweepInterval, time);
            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, tick.Token);
            try
            {
                await pipeline.Deliveries.WaitToReadAsync(wake.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var deliveries = new Dictionary<Guid, bool>();
            while (pipeline.Deliveries.TryRead(out var delivery))
            {
                deliveries[delivery.NodeId] = deliveries.GetValueOrDefault(delivery.NodeId) || delivery.Everything;
            }

            foreach (var everything in new[] { true, false })
            {
                await DeliverAsync(deliveries.Where(d => d.Value == everything).Select(d => d.Key), everything, stoppingToken);
            }

            if (time.GetElapsedTime(nextSweep) >= SweepInterval)
            {
                nextSweep = time.GetTimestamp();
                await SweepAsync(stoppingToken);
            }
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        try
        {
            var overdue = await pipeline.SweepAsync(cancellationToken);
            await DeliverAsync(overdue, everything: false, cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            LogSweepFailed(exception.Message);
        }
    }

    private async Task DeliverAsync(IEnumerable<Guid> nodes, bool everything, CancellationToken cancellationToken)
    {
        foreach (var nodeId in nodes)
        {
            if (registry.ConnectionOf(nodeId) is not { } connection)
            {
                continue;
            }

            try
            {
                foreach (var command in await pipeline.TakeForDeliveryAsync(nodeId, everything, cancellationToken))
                {
                    await hub.Clients.Client(connection).ExecuteCommand(command);
                    LogDelivered(command.Id, command.Kind, command.Service, nodeId);
                }
            }
            catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception) || exception is IOException)
            {
                // What was marked Sent goes again after the resend interval or on reconnection.
                LogDeliveryFailed(nodeId, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command {CommandId} ({Kind} {Service}) handed to node {NodeId}")]
    private partial void LogDelivered(Guid commandId, Shared.Commands.CommandKind kind, string service, Guid nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commands for node {NodeId} not delivered now, they go again later: {Reason}")]
    private partial void LogDeliveryFailed(Guid nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot sweep commands now (expiry and timeouts wait): {Reason}")]
    private partial void LogSweepFailed(string reason);
}

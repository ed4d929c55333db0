using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Failover;

namespace Vigil.ControlPlane.Nodes;

/// <summary>
/// Puts a node in maintenance and takes it out, for the API and the dashboard alike: stores it (so it
/// survives a restart), tells the registry (the failover engine then keeps the node's members out of
/// elections), puts its alerts' silence in force, and drains it as <see cref="MaintenanceDrain"/> decides.
/// </summary>
public sealed class MaintenanceMode(
    IDbContextFactory<VigilDbContext> databases,
    NodeRegistry registry,
    FailoverCoordinator coordinator,
    AlertEvaluator alerts)
{
    /// <summary>Enters (or changes) the node's maintenance and asks for a switchover of each group it holds the active member of.</summary>
    public async Task<IReadOnlyList<GroupDrain>> EnterAsync(NodeStatus node, NodeMaintenance maintenance, CancellationToken cancellationToken)
    {
        await StoreAsync(node, maintenance, cancellationToken);
        var drains = MaintenanceDrain.Plan(coordinator.Views(), node.Id);
        foreach (var drain in drains.Where(d => d.Outcome == DrainOutcome.SwitchingOver))
        {
            coordinator.RequestSwitchover(drain.GroupId, new SwitchoverRequest(drain.ToMemberId, $"node {node.Name} entered maintenance: {maintenance.Reason}"));
        }

        return drains;
    }

    /// <summary>Ends the node's maintenance: its members are eligible standbys again; its groups fail back only as their policy says.</summary>
    public Task LeaveAsync(NodeStatus node, CancellationToken cancellationToken) => StoreAsync(node, null, cancellationToken);

    private async Task StoreAsync(NodeStatus node, NodeMaintenance? maintenance, CancellationToken cancellationToken)
    {
        await using (var db = await databases.CreateDbContextAsync(cancellationToken))
        {
            await NodeRows.EnsureAsync(db, node, cancellationToken);
            var row = db.Nodes.Local.FirstOrDefault(n => n.Id == node.Id) ?? await db.Nodes.SingleAsync(n => n.Id == node.Id, cancellationToken);
            row.MaintenanceSince = maintenance?.Since;
            row.MaintenanceUntil = maintenance?.Until;
            row.MaintenanceReason = maintenance?.Reason;
            row.MaintenanceBy = maintenance?.By;
            await db.SaveChangesAsync(cancellationToken);
        }

        registry.MaintenanceStored(node.Id, maintenance);
        await alerts.RefreshNowAsync(cancellationToken);
    }
}

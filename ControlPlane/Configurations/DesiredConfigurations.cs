using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Configurations;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations;

/// <summary>
/// The managed services the control plane wants on each node. A change is stored with the next
/// version, then the node's agent (if connected) is told; an agent that was away fetches it when it
/// registers, because its registration answer carries the version.
/// </summary>
internal sealed partial class DesiredConfigurations(
    IDbContextFactory<VigilDbContext> databases,
    NodeRegistry registry,
    IHubContext<AgentHub, IAgentClient> hub,
    TimeProvider time,
    ILogger<DesiredConfigurations> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<DesiredConfiguration> GetAsync(Guid nodeId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.DesiredNodeConfigurations.AsNoTracking().SingleOrDefaultAsync(c => c.NodeId == nodeId, cancellationToken);
        return stored is null
            ? new DesiredConfiguration { Version = 0, Services = [] }
            : new DesiredConfiguration { Version = stored.Version, Services = JsonSerializer.Deserialize<List<ManagedServiceDefinition>>(stored.ServicesJson, Json) ?? [] };
    }

    /// <summary>Stores the node's new desired services (already validated) and tells its agent.</summary>
    public async Task<DesiredConfiguration> SetAsync(Guid nodeId, IReadOnlyList<ManagedServiceDefinition> services, CancellationToken cancellationToken)
    {
        long version;
        try
        {
            version = await StoreAsync(nodeId, services, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent writer (the node's first row, or another change) got there first: once more, on fresh rows.
            version = await StoreAsync(nodeId, services, cancellationToken);
        }

        registry.ConfigurationStored(nodeId, version);
        LogStored(nodeId, version, services.Count);
        if (registry.ConnectionOf(nodeId) is { } connection)
        {
            await hub.Clients.Client(connection).ConfigChanged(new ConfigChangedNotice { ConfigVersion = version });
        }

        return new DesiredConfiguration { Version = version, Services = services };
    }

    private async Task<long> StoreAsync(Guid nodeId, IReadOnlyList<ManagedServiceDefinition> services, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stored = await db.DesiredNodeConfigurations.SingleOrDefaultAsync(c => c.NodeId == nodeId, cancellationToken);
        if (stored is null)
        {
            await NodeRows.EnsureAsync(db, registry.Find(nodeId), cancellationToken);
            stored = new DesiredNodeConfiguration { NodeId = nodeId, ServicesJson = "[]" };
            db.DesiredNodeConfigurations.Add(stored);
        }

        stored.Version++;
        stored.ServicesJson = JsonSerializer.Serialize(services, Json);
        stored.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return stored.Version;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Desired configuration v{Version} of node {NodeId} stored: {Count} service(s)")]
    private partial void LogStored(Guid nodeId, long version, int count);
}

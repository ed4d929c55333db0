using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts;

/// <summary>Alert rules as operators keep them: one row each, the definition a JSON document.</summary>
public sealed class AlertRuleStore(IDbContextFactory<VigilDbContext> databases, TimeProvider time)
{
    public async Task<IReadOnlyList<AlertRuleResponse>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.AlertRules.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(Describe)];
    }

    public async Task<AlertRuleResponse?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is { } row ? Describe(row) : null;
    }

    public async Task<bool> NameTakenAsync(string name, Guid except, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var names = await db.AlertRules.AsNoTracking().Where(r => r.Id != except).Select(r => r.Name).ToListAsync(cancellationToken);
        return names.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Creates the rule, or replaces the one with its id.</summary>
    public async Task SaveAsync(AlertRule rule, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (await db.AlertRules.FirstOrDefaultAsync(r => r.Id == rule.Id, cancellationToken) is not { } row)
        {
            row = new StoredAlertRule { Id = rule.Id, Name = rule.Name, Definition = "", CreatedAt = now };
            db.AlertRules.Add(row);
        }

        row.Name = rule.Name;
        row.Enabled = rule.Enabled;
        row.Definition = AlertJson.Write(rule);
        row.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertRules.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    private static AlertRuleResponse Describe(StoredAlertRule row) => AlertRuleResponse.From(AlertStore.ToRule(row), row.CreatedAt, row.UpdatedAt);
}

using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>Reads and writes channels; secrets go in and out through Data Protection and nowhere else.</summary>
public sealed class AlertChannelStore(IDbContextFactory<VigilDbContext> databases, IDataProtectionProvider protection, TimeProvider time)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Vigil.Alerts.ChannelSecrets");

    public async Task<AlertChannel?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AlertChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return row is null ? null : Read(row);
    }

    /// <summary>Adds the channel, or replaces its name, settings and (when <paramref name="secrets"/> is given) its secrets.</summary>
    public async Task SaveAsync(Guid id, string name, AlertChannelKind kind, AlertChannelSettings settings, AlertChannelSecrets? secrets, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AlertChannels.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (row is null)
        {
            row = new StoredAlertChannel { Id = id, Name = name, Kind = "", Settings = "", CreatedAt = now };
            db.AlertChannels.Add(row);
        }

        row.Name = name;
        row.Kind = AlertChannel.StoredKind(kind);
        row.Settings = AlertJson.Write(settings);
        row.UpdatedAt = now;
        if (secrets is not null)
        {
            row.ProtectedSecrets = _protector.Protect(AlertJson.Write(secrets));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The channel with its secrets readable; a kind this version does not know reads as null.</summary>
    internal AlertChannel? Read(StoredAlertChannel row) => AlertChannel.ParseKind(row.Kind) is { } kind
        ? new AlertChannel(
            row.Id,
            row.Name,
            kind,
            AlertJson.Read<AlertChannelSettings>(row.Settings),
            row.ProtectedSecrets is { Length: > 0 } secrets ? AlertJson.Read<AlertChannelSecrets>(_protector.Unprotect(secrets)) : new AlertChannelSecrets())
        : null;
}

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

    public async Task<IReadOnlyList<AlertChannelResponse>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = await db.AlertChannels.AsNoTracking().OrderBy(c => c.Name).ToListAsync(cancellationToken);
        return [.. rows.Select(Describe).OfType<AlertChannelResponse>()];
    }

    public async Task<AlertChannelResponse?> DescribeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.AlertChannels.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        return row is null ? null : Describe(row);
    }

    /// <summary>Whether another channel than <paramref name="except"/> has this name.</summary>
    public async Task<bool> NameTakenAsync(string name, Guid except, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertChannels.AnyAsync(c => c.Name == name && c.Id != except, cancellationToken);
    }

    /// <summary>Removes the channel; false when there was none.</summary>
    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertChannels.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken) > 0;
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

    /// <summary>The channel as the API shows it: which secrets are set, not what they are.</summary>
    private AlertChannelResponse? Describe(StoredAlertChannel row)
    {
        if (AlertChannel.ParseKind(row.Kind) is not { } kind)
        {
            return null;
        }

        var set = new List<string>(2);
        try
        {
            var secrets = row.ProtectedSecrets is { Length: > 0 } stored ? AlertJson.Read<AlertChannelSecrets>(_protector.Unprotect(stored)) : new AlertChannelSecrets();
            if (secrets.Password is { Length: > 0 })
            {
                set.Add("password");
            }

            if (secrets.SigningSecret is { Length: > 0 })
            {
                set.Add("signingSecret");
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // Keys changed: the secrets must be entered again; the list shows none set.
        }

        return new AlertChannelResponse(row.Id, row.Name, kind, AlertJson.Read<AlertChannelSettings>(row.Settings), set, row.CreatedAt, row.UpdatedAt);
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

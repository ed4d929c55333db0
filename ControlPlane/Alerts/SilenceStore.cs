using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts;

/// <summary>Silences as operators list, create and expire them; the evaluator reads those in force through <see cref="AlertStore"/>.</summary>
public sealed class SilenceStore(IDbContextFactory<VigilDbContext> databases)
{
    /// <summary>Silences not expired at <paramref name="now"/> (and the expired ones too when asked), the latest to expire first.</summary>
    public async Task<IReadOnlyList<SilenceResponse>> ListAsync(bool withExpired, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var rows = db.AlertSilences.AsNoTracking();
        if (!withExpired)
        {
            rows = rows.Where(s => s.ExpiresAt > now);
        }

        var found = await rows.ToListAsync(cancellationToken);
        return [.. found.OrderByDescending(s => s.ExpiresAt).ThenBy(s => s.Id).Select(s => SilenceResponse.From(s, now))];
    }

    public async Task<StoredSilence?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.AlertSilences.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
    }

    public async Task<StoredSilence> AddAsync(Silence silence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = new StoredSilence
        {
            Id = silence.Id,
            Matchers = AlertJson.Write(silence.Matchers),
            StartsAt = silence.StartsAt,
            ExpiresAt = silence.ExpiresAt,
            CreatedBy = silence.CreatedBy,
            Reason = silence.Reason,
            CreatedAt = now,
        };
        db.AlertSilences.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    /// <summary>Ends a silence now; one already expired keeps its end.</summary>
    public async Task ExpireAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.AlertSilences.SingleOrDefaultAsync(s => s.Id == id, cancellationToken) is { } row && row.ExpiresAt > now)
        {
            row.ExpiresAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}

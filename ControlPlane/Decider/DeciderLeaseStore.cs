using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Decider;

namespace Vigil.ControlPlane.Decider;

/// <summary>Reads the decider lease, and writes it only where it is still as read (compare and set).</summary>
public sealed class DeciderLeaseStore(IDbContextFactory<VigilDbContext> databases)
{
    public async Task<DeciderLeaseState?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.DeciderLeases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == DeciderLease.DeciderName, cancellationToken);
        return row is null ? null : new DeciderLeaseState(row.HolderId, row.HolderName, row.ExpiresAt, row.Token);
    }

    /// <summary>Stores <paramref name="next"/> where the lease is still <paramref name="read"/>; false when another instance changed it first.</summary>
    public async Task<bool> TryWriteAsync(DeciderLeaseState? read, DeciderLeaseState next, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (read is null)
        {
            db.DeciderLeases.Add(new DeciderLease
            {
                Name = DeciderLease.DeciderName,
                HolderId = next.HolderId,
                HolderName = next.HolderName,
                ExpiresAt = next.ExpiresAt,
                Token = next.Token,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException)
            {
                // Another instance inserted the row first.
                return false;
            }
        }

        var changed = await db.DeciderLeases
            .Where(l => l.Name == DeciderLease.DeciderName && l.HolderId == read.HolderId && l.Token == read.Token && l.ExpiresAt == read.ExpiresAt)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(l => l.HolderId, next.HolderId)
                    .SetProperty(l => l.HolderName, next.HolderName)
                    .SetProperty(l => l.ExpiresAt, next.ExpiresAt)
                    .SetProperty(l => l.Token, next.Token),
                cancellationToken);
        return changed == 1;
    }
}

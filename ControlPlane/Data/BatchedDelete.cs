using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Retention;

namespace Vigil.ControlPlane.Data;

/// <summary>What one bounded delete did: the rows it deleted, and whether old rows remain for a later call.</summary>
public sealed record DeleteProgress(int Deleted, bool More);

/// <summary>
/// Deletes old rows a bounded batch per statement (<see cref="RetentionOptions.BatchSize"/>), each
/// statement its own short transaction, and after each full batch steps aside for as long as the
/// batch took (at least <see cref="MinimumPause"/>). On SQLite one connection writes at a time: a single
/// DELETE of a day of metric minutes holds the heartbeat-path writers (last-seen times, events,
/// metric minutes) for its whole length, whereas here a writer waits at most for one batch.
/// </summary>
public sealed class BatchedDelete(IDbContextFactory<VigilDbContext> databases, TimeProvider time, IOptions<RetentionOptions> options)
{
    public static readonly TimeSpan MinimumPause = TimeSpan.FromMilliseconds(10);

    private readonly int _batchSize = options.Value.BatchSize;

    /// <summary>Deletes every row of <paramref name="old"/>, batch by batch.</summary>
    public async Task<int> DeleteAllAsync<T>(Func<VigilDbContext, IQueryable<T>> old, CancellationToken cancellationToken) =>
        (await DeleteAsync(old, int.MaxValue, cancellationToken)).Deleted;

    /// <summary>Deletes rows of <paramref name="old"/>, at most <paramref name="maxBatches"/> batches of them.</summary>
    public async Task<DeleteProgress> DeleteAsync<T>(Func<VigilDbContext, IQueryable<T>> old, int maxBatches, CancellationToken cancellationToken)
    {
        var total = 0;
        var lastBatch = TimeSpan.Zero;
        for (var batch = 0; batch < maxBatches; batch++)
        {
            if (batch > 0)
            {
                await Task.Delay(lastBatch > MinimumPause ? lastBatch : MinimumPause, time, cancellationToken);
            }

            var started = time.GetTimestamp();
            int deleted;
            await using (var db = await databases.CreateDbContextAsync(cancellationToken))
            {
                deleted = await old(db).Take(_batchSize).ExecuteDeleteAsync(cancellationToken);
            }

            lastBatch = time.GetElapsedTime(started);
            total += deleted;
            if (deleted < _batchSize)
            {
                return new DeleteProgress(total, More: false);
            }
        }

        return new DeleteProgress(total, More: true);
    }
}

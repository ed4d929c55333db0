using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Writes the audit entries that could not be written at once, retrying until the database is back:
/// the queue's first, then those of the <see cref="AuditSpill"/> file (newer), in order.
/// </summary>
internal sealed partial class AuditRetryWriter(AuditTrail trail, TimeProvider time, ILogger<AuditRetryWriter> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private readonly WriteRetry _retry = new(time, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>();
        try
        {
            if (trail.Spill.LeftFromBefore)
            {
                await WriteSpilledAsync(stoppingToken);
            }

            while (await trail.Unwritten.WaitToReadAsync(stoppingToken))
            {
                while (trail.Unwritten.TryPeek(out _))
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && trail.Unwritten.TryPeek(out var entry))
                    {
                        batch.Add(entry);
                        trail.Unwritten.TryRead(out _);
                    }

                    // The trail logged the outage when it queued the first entry.
                    await _retry.UntilWrittenAsync(() => trail.WriteAsync(batch, stoppingToken), null, null, stoppingToken);
                    LogWritten(batch.Count);
                }

                await WriteSpilledAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteSpilledAsync(CancellationToken cancellationToken)
    {
        while (await trail.Spill.TakeAsync(cancellationToken) is { } spilled)
        {
            foreach (var batch in spilled.Chunk(MaxBatch))
            {
                await _retry.UntilWrittenAsync(() => trail.WriteAsync(batch, cancellationToken), null, null, cancellationToken);
            }

            trail.Spill.Written();
            LogSpillWritten(spilled.Count, trail.Spill.FilePath);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} audit entries kept in {SpillFile} while the database was away")]
    private partial void LogSpillWritten(int count, string spillFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} audit entries kept while the database was away")]
    private partial void LogWritten(int count);
}

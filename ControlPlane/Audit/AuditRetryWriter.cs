using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Writes the audit entries that could not be written at once, retrying until the database is back:
/// the queue's first, then those of the <see cref="AuditSpill"/> file (newer), in order. It wakes for
/// an entry queued or one spilled (a write that timed out spills with nothing queued).
/// </summary>
internal sealed partial class AuditRetryWriter(AuditTrail trail, DatabaseReadiness database, TimeProvider time, ILogger<AuditRetryWriter> logger) : BackgroundService
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

            Task<bool>? queued = null;
            Task? spilled = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                queued ??= trail.Unwritten.WaitToReadAsync(stoppingToken).AsTask();
                spilled ??= trail.Spill.WaitForEntriesAsync(stoppingToken);
                await Task.WhenAny(queued, spilled);
                queued = queued.IsCompleted ? null : queued;
                spilled = spilled.IsCompleted ? null : spilled;
                while (trail.Unwritten.TryPeek(out _))
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && trail.Unwritten.TryPeek(out var entry))
                    {
                        batch.Add(entry);
                        trail.Unwritten.TryRead(out _);
                    }

                    // The trail logged the outage when it queued the first entry.
                    await WriteAsync(batch, stoppingToken);
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
                await WriteAsync(batch, cancellationToken);
            }

            trail.Spill.Written();
            LogSpillWritten(spilled.Count, trail.Spill.FilePath);
        }
    }

    /// <summary>Writes the batch; one the database refuses while it answers is written entry by entry, so that one poison entry holds nothing up.</summary>
    private async Task WriteAsync(IReadOnlyList<AuditEntry> batch, CancellationToken cancellationToken)
    {
        if (await _retry.UntilWrittenOrRefusedAsync(() => trail.WriteAsync(batch, cancellationToken), database.AnswersAsync, null, null, cancellationToken) is null)
        {
            return;
        }

        foreach (var entry in batch)
        {
            if (await _retry.UntilWrittenOrRefusedAsync(() => trail.WriteAsync([entry], cancellationToken), database.AnswersAsync, null, null, cancellationToken) is { } refused)
            {
                LogRefused(refused, entry.At, entry.Actor, entry.Action, entry.Target ?? "-", entry.Outcome, entry.SourceAddress ?? "-", entry.Detail ?? "-");
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The database refuses an audit entry though it answers; it is kept only here: at {At} {Actor} {Action} on {Target}, {Outcome}, from {SourceAddress}: {Detail}")]
    private partial void LogRefused(Exception exception, DateTimeOffset at, string actor, string action, string target, string outcome, string sourceAddress, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} audit entries kept in {SpillFile} while the database was away")]
    private partial void LogSpillWritten(int count, string spillFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} audit entries kept while the database was away")]
    private partial void LogWritten(int count);
}

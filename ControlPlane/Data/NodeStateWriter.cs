using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Data;

/// <summary>
/// The single writer of node state: drains the <see cref="NodeJournal"/> at once (registrations and
/// liveness changes), and every <see cref="DatabaseOptions.LastSeenFlushInterval"/> writes the
/// last-heartbeat times of all nodes in one batch. While the database is away it keeps what it has
/// not written and retries; nothing is written one row per heartbeat. A batch the database refuses
/// while it answers (a poison batch) is written change by change, and a change it refuses alone is
/// set aside with an error in the log, so that the writer goes on.
/// </summary>
internal sealed partial class NodeStateWriter(
    NodeJournal journal,
    NodeRegistry registry,
    NodeStateStore store,
    DatabaseReadiness database,
    TimeProvider time,
    IOptions<DatabaseOptions> options,
    ILogger<NodeStateWriter> logger) : BackgroundService
{
    private const int MaxBatch = 1_000;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly List<NodeJournalEntry> _pending = [];
    private readonly Dictionary<Guid, DateTimeOffset> _unsavedLastSeen = [];
    private readonly WriteRetry _retry = new(time, TimeSpan.FromSeconds(1), MaxRetryDelay);
    private long _reportedDropped;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var flushTimer = new PeriodicTimer(options.Value.LastSeenFlushInterval, time);
        Task<bool>? readable = null;
        Task<bool>? flushDue = null;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                readable ??= journal.Reader.WaitToReadAsync(stoppingToken).AsTask();
                flushDue ??= flushTimer.WaitForNextTickAsync(stoppingToken).AsTask();
                await Task.WhenAny(readable, flushDue);

                if (readable.IsCompleted)
                {
                    readable = null;
                    await WriteJournalAsync(stoppingToken);
                }

                if (flushDue.IsCompleted)
                {
                    flushDue = null;
                    await WriteLastSeenAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await WriteRemainingAsync();
    }

    private async Task WriteJournalAsync(CancellationToken cancellationToken)
    {
        while (journal.Reader.TryPeek(out _))
        {
            while (_pending.Count < MaxBatch && journal.Reader.TryRead(out var entry))
            {
                _pending.Add(entry);
            }

            ReportDropped();
            if (await UntilWrittenOrRefusedAsync(_pending, cancellationToken) is not null)
            {
                foreach (var entry in _pending)
                {
                    if (await UntilWrittenOrRefusedAsync([entry], cancellationToken) is { } refused)
                    {
                        LogSetAside(refused, entry);
                    }
                }
            }

            _pending.Clear();
        }
    }

    private async Task WriteLastSeenAsync(CancellationToken cancellationToken)
    {
        foreach (var (nodeId, lastSeen) in registry.TakeUnsavedLastSeen())
        {
            _unsavedLastSeen[nodeId] = lastSeen;
        }

        if (_unsavedLastSeen.Count == 0)
        {
            return;
        }

        await UntilWrittenAsync(() => store.WriteLastSeenAsync(_unsavedLastSeen, cancellationToken), cancellationToken);
        _unsavedLastSeen.Clear();
    }

    private Task<Exception?> UntilWrittenOrRefusedAsync(IReadOnlyList<NodeJournalEntry> entries, CancellationToken cancellationToken) =>
        _retry.UntilWrittenOrRefusedAsync(
            () => store.WriteAsync(entries, cancellationToken),
            database.AnswersAsync,
            exception => LogDatabaseUnavailable(exception, options.Value.Provider),
            LogDatabaseBack,
            cancellationToken);

    private Task UntilWrittenAsync(Func<Task> write, CancellationToken cancellationToken) =>
        _retry.UntilWrittenAsync(write, exception => LogDatabaseUnavailable(exception, options.Value.Provider), LogDatabaseBack, cancellationToken);

    /// <summary>On shutdown, one last attempt to write what is still pending.</summary>
    private async Task WriteRemainingAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            while (journal.Reader.TryRead(out var entry))
            {
                _pending.Add(entry);
            }

            if (_pending.Count > 0)
            {
                await store.WriteAsync(_pending, timeout.Token);
            }

            foreach (var (nodeId, lastSeen) in registry.TakeUnsavedLastSeen())
            {
                _unsavedLastSeen[nodeId] = lastSeen;
            }

            if (_unsavedLastSeen.Count > 0)
            {
                await store.WriteLastSeenAsync(_unsavedLastSeen, timeout.Token);
            }
        }
        catch (Exception exception)
        {
            LogUnwrittenAtShutdown(exception, _pending.Count, _unsavedLastSeen.Count);
        }
    }

    private void ReportDropped()
    {
        var dropped = journal.Dropped;
        if (dropped > _reportedDropped)
        {
            LogDropped(dropped - _reportedDropped, NodeJournal.Capacity);
            _reportedDropped = dropped;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write node state to the {Provider} database; keeping it in memory and retrying")]
    private partial void LogDatabaseUnavailable(Exception exception, DatabaseProvider provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refuses to store a node change ({Change}) though it answers; the change is set aside so that later ones are written. The node's stored state may lag until its next change")]
    private partial void LogSetAside(Exception exception, NodeJournalEntry change);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database writable again after {Outage}; pending node state written")]
    private partial void LogDatabaseBack(TimeSpan outage);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} node state change(s) were discarded: more than {Capacity} waited for the database")]
    private partial void LogDropped(long count, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with {Changes} node change(s) and {LastSeen} last-seen time(s) not written")]
    private partial void LogUnwrittenAtShutdown(Exception exception, int changes, int lastSeen);
}

using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Metrics;

namespace Vigil.ControlPlane.Metrics;

/// <summary>
/// The single writer of metric history. Every <see cref="MetricsOptions.FlushInterval"/> it completes
/// the minutes that have ended, writes the completed minutes in batches (one SaveChanges each), rolls
/// finished hours up from their minutes, and now and then deletes rollups past their retention.
/// While the database is away it keeps the minutes in a bounded queue and retries; the outage is
/// logged once, and its end. A batch the database refuses while it answers is written minute by
/// minute, and a minute it refuses alone is set aside with an error in the log, so that later minutes
/// are written.
/// </summary>
internal sealed partial class MetricRollupWriter(
    NodeMetricsAccumulator accumulator,
    CompletedMinutes completed,
    MetricRollupStore store,
    DatabaseReadiness database,
    TimeProvider time,
    IOptions<MetricsOptions> options,
    ILogger<MetricRollupWriter> logger) : BackgroundService
{
    private const int MaxBatch = 2_000;

    /// <summary>Delete batches per tick: a backlog of old rows goes over several ticks, with the minutes written in between.</summary>
    private const int MaxPruneBatchesPerTick = 20;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    private readonly MetricsOptions _options = options.Value;
    private readonly List<MetricBucket> _batch = [];
    private readonly WriteRetry _retry = new(time, TimeSpan.FromSeconds(1), MaxRetryDelay);
    private long _reportedDropped;
    private bool _maintenanceFailing;
    private DateTimeOffset? _nextHourToRollUp;
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                accumulator.CompleteEnded();
                await WriteCompletedAsync(stoppingToken);
                await MaintainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await WriteRemainingAsync();
    }

    private async Task WriteCompletedAsync(CancellationToken cancellationToken)
    {
        ReportDropped();
        while (completed.Reader.TryPeek(out _))
        {
            while (_batch.Count < MaxBatch && completed.Reader.TryRead(out var minute))
            {
                _batch.Add(minute);
            }

            if (await UntilWrittenOrRefusedAsync(_batch, cancellationToken) is not null)
            {
                foreach (var minute in _batch)
                {
                    if (await UntilWrittenOrRefusedAsync([minute], cancellationToken) is { } refused)
                    {
                        LogSetAside(refused, minute.NodeId, minute.Resolution, minute.Start);
                    }
                }
            }

            _batch.Clear();
        }
    }

    /// <summary>Rolls up every finished hour, then prunes when due. A failure is retried at the next tick.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            _nextHourToRollUp ??= await store.FirstHourToRollUpAsync(MetricTime.StartOfHour(now - _options.MinuteRetention), cancellationToken);
            while (_nextHourToRollUp is { } hour && hour + MetricTime.Hour + _options.RollupDelay <= now)
            {
                var nodes = await store.RollUpHourAsync(hour, cancellationToken);
                LogRolledUp(hour, nodes);
                _nextHourToRollUp = hour + MetricTime.Hour;
            }

            if (now >= _nextPrune)
            {
                var pruned = await store.PruneAsync(now - _options.MinuteRetention, now - _options.HourRetention, MaxPruneBatchesPerTick, cancellationToken);
                if (pruned.Deleted > 0)
                {
                    LogPruned(pruned.Deleted);
                }

                // Old rows left: go on at the next tick, after that tick's minutes are written.
                _nextPrune = pruned.More ? now : now + _options.PruneInterval;
            }

            _maintenanceFailing = false;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            if (!_maintenanceFailing)
            {
                _maintenanceFailing = true;
                LogMaintenanceFailed(exception);
            }
        }
    }

    /// <summary>Retries until written or refused; the minutes dropped from the bounded queue meanwhile are reported after each attempt.</summary>
    private Task<Exception?> UntilWrittenOrRefusedAsync(IReadOnlyList<MetricBucket> minutes, CancellationToken cancellationToken) =>
        _retry.UntilWrittenOrRefusedAsync(
            () => store.WriteAsync(minutes, cancellationToken),
            database.AnswersAsync,
            exception => LogDatabaseUnavailable(exception, _options.MaxPendingMinutes),
            LogDatabaseBack,
            cancellationToken,
            ReportDropped);

    /// <summary>On shutdown, one last attempt to write what is pending and the minutes still open.</summary>
    private async Task WriteRemainingAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (completed.Reader.TryRead(out var minute))
        {
            _batch.Add(minute);
        }

        _batch.AddRange(accumulator.CompleteAll());
        if (_batch.Count == 0)
        {
            return;
        }

        try
        {
            await store.WriteAsync(_batch, timeout.Token);
        }
        catch (Exception exception)
        {
            LogUnwrittenAtShutdown(exception, _batch.Count);
        }
    }

    private void ReportDropped()
    {
        var dropped = completed.Dropped;
        if (dropped > _reportedDropped)
        {
            LogDropped(dropped - _reportedDropped, completed.Capacity);
            _reportedDropped = dropped;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write node metrics to the database; keeping up to {Capacity} completed minute(s) in memory and retrying")]
    private partial void LogDatabaseUnavailable(Exception exception, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refuses to store the {Resolution} of node metrics from {Start} of node {NodeId} though it answers; it is set aside so that later minutes are written")]
    private partial void LogSetAside(Exception exception, Guid nodeId, MetricResolution resolution, DateTimeOffset start);

    [LoggerMessage(Level = LogLevel.Information, Message = "Database writable again after {Outage}; pending node metrics written")]
    private partial void LogDatabaseBack(TimeSpan outage);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} minute(s) of node metrics were discarded: more than {Capacity} waited for the database (Metrics:MaxPendingMinutes)")]
    private partial void LogDropped(long count, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Node metrics of the hour from {Hour} rolled up for {NodeCount} node(s)")]
    private partial void LogRolledUp(DateTimeOffset hour, int nodeCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} node metric rollup(s) past their retention deleted")]
    private partial void LogPruned(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot roll up or prune node metrics; retrying at each flush until the database answers")]
    private partial void LogMaintenanceFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with {Count} minute(s) of node metrics not written")]
    private partial void LogUnwrittenAtShutdown(Exception exception, int count);
}

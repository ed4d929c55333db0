using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts.Delivery;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Alerts;

/// <summary>
/// The shell around <see cref="AlertEngine"/>: it keeps the book, feeds it the signals and the passing
/// of time, and hands each step's changes to a writer that stores them (retrying through a database
/// outage, in order) — the book runs ahead in memory meanwhile, so no signal waits on the database.
/// A step the database refuses though it answers (e.g. an alert too large for its column) is set
/// aside with an error in the log, so that the steps after it are stored.
/// </summary>
public sealed partial class AlertEvaluator(
    AlertSignals signals,
    AlertStore store,
    AlertDeliveryJobs deliveryJobs,
    NodeRegistry registry,
    IAuditTrail audit,
    DatabaseReadiness database,
    TimeProvider time,
    IOptions<AlertOptions> options,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private readonly AlertOptions _options = options.Value;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Channel<(AlertStep Step, IReadOnlyList<AuditRecord> Audit)> _unsaved =
        Channel.CreateUnbounded<(AlertStep, IReadOnlyList<AuditRecord>)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Channel<AuditRecord> _unaudited = Channel.CreateUnbounded<AuditRecord>(new UnboundedChannelOptions { SingleReader = true });
    private readonly WriteRetry _retry = new(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    private AlertBook _book = AlertBook.Empty;
    private IReadOnlyList<AlertRule> _rules = [];
    private IReadOnlyList<Silence> _silences = [];
    private IReadOnlyDictionary<Guid, NodeMaintenance> _maintenance = new Dictionary<Guid, NodeMaintenance>();
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private long _reportedDropped;

    /// <summary>The alerts open now (firing or acknowledged).</summary>
    public IReadOnlyList<Alert> Open => [.. Volatile.Read(ref _book).Open.Values];

    /// <summary>The rules in force, as last read.</summary>
    public IReadOnlyList<AlertRule> Rules => _rules;

    /// <summary>Rules or silences changed: read them again at the next tick.</summary>
    public void Refresh() => _refreshedAt = DateTimeOffset.MinValue;

    /// <summary>Rules, silences or a node's maintenance changed: read them again now, so the change is in force when the caller answers.</summary>
    public async Task RefreshNowAsync(CancellationToken cancellationToken)
    {
        var rules = await store.RulesAsync(cancellationToken);
        var silences = await store.SilencesAsync(time.GetUtcNow(), cancellationToken);
        var maintenance = registry.Maintenance();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            (_rules, _silences, _maintenance, _refreshedAt) = (rules, silences, maintenance, time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Acknowledges a firing alert; null when no open alert has that id or it is not firing.</summary>
    public async Task<Alert?> AcknowledgeAsync(Guid alertId, string by, CancellationToken cancellationToken)
    {
        var step = await StepAsync(book => AlertEngine.Acknowledge(book, alertId, by, time.GetUtcNow()), cancellationToken);
        return step.Changed.Count == 0 ? null : step.Changed[0];
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            IReadOnlyList<Alert> open = [];
            await _retry.UntilWrittenAsync(
                async () => open = await store.OpenAsync(stoppingToken),
                exception => LogOutage(exception),
                _ => LogOutageOver(),
                stoppingToken);
            _book = AlertBook.FromOpen(open);
            LogStarted(open.Count);
            await Task.WhenAll(ReadSignalsAsync(stoppingToken), TickAsync(stoppingToken), WriteAsync(stoppingToken), AuditAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReadSignalsAsync(CancellationToken cancellationToken)
    {
        await foreach (var signal in signals.Reader.ReadAllAsync(cancellationToken))
        {
            var enriched = WithLabels(signal);
            await StepAsync(book => AlertEngine.Observe(book, enriched, Context()), cancellationToken);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.TickInterval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            await RefreshWhenDueAsync(cancellationToken);
            ReportDropped();
            await StepAsync(book => AlertEngine.Tick(book, Context()), cancellationToken);
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        await foreach (var (step, audited) in _unsaved.Reader.ReadAllAsync(cancellationToken))
        {
            IReadOnlyList<Guid> deliveries = [];
            var refused = await _retry.UntilWrittenOrRefusedAsync(
                async () => deliveries = await store.SaveAsync(step, time.GetUtcNow(), cancellationToken),
                database.AnswersAsync,
                exception => LogOutage(exception),
                _ => LogOutageOver(),
                cancellationToken);
            if (refused is not null)
            {
                LogSetAside(refused, string.Join("; ", step.Changed.Select(a => $"{a.Id} {a.Status}: {Shorter(a.Summary)}")), step.Notifications.Count);
            }
            else
            {
                deliveryJobs.Enqueue(deliveries);
                foreach (var record in audited)
                {
                    _unaudited.Writer.TryWrite(record);
                }
            }
        }
    }

    /// <summary>Alerts fired and resolved, once stored, go to the audit trail (which keeps them through a database outage) apart from the writer.</summary>
    private async Task AuditAsync(CancellationToken cancellationToken)
    {
        await foreach (var record in _unaudited.Reader.ReadAllAsync(cancellationToken))
        {
            try
            {
                await audit.RecordAsync(record, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogNotAudited(exception, record.Action, record.Target);
            }
        }
    }

    private async Task<AlertStep> StepAsync(Func<AlertBook, AlertStep> decide, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var before = _book;
            var step = decide(before);
            Volatile.Write(ref _book, step.Book);
            if (step.Changed.Count > 0 || step.Notifications.Count > 0)
            {
                _unsaved.Writer.TryWrite((step, AlertAudit.Of(before, step)));
            }

            return step;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RefreshWhenDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _refreshedAt < _options.RefreshInterval)
        {
            return;
        }

        try
        {
            await RefreshNowAsync(cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            // Keep the rules and silences read last; the next tick tries again.
            LogRefreshFailed(exception);
        }
    }

    private static string Shorter(string summary) => summary.Length <= 200 ? summary : summary[..200] + "…";

    private AlertContext Context() => new(_rules, _silences, time.GetUtcNow()) { Maintenance = _maintenance };

    /// <summary>Scopes and silences match node labels; the sources name the node, the registry knows its labels.</summary>
    private AlertSignal WithLabels(AlertSignal signal)
    {
        if (signal.Target is not { NodeId: { } nodeId, NodeLabels.Count: 0 } || registry.Find(nodeId) is not { Labels.Count: > 0 } node)
        {
            return signal;
        }

        return signal with { Target = signal.Target with { NodeLabels = node.Labels } };
    }

    private void ReportDropped()
    {
        var dropped = signals.Dropped;
        if (dropped > _reportedDropped)
        {
            LogDropped(dropped - _reportedDropped, AlertSignals.Capacity);
            _reportedDropped = dropped;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: evaluating rules, {OpenAlerts} alerts open from before")]
    private partial void LogStarted(int openAlerts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the database is not reachable; alerts are decided and kept in memory, and stored in order once it is back")]
    private partial void LogOutage(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: the database is reachable again; alerts kept meanwhile are being stored")]
    private partial void LogOutageOver();

    [LoggerMessage(Level = LogLevel.Error, Message = "Alerts: the database refuses to store alert changes though it answers; they are set aside so that later ones are stored, and their {Notifications} notification(s) are not sent. The alerts stay open in memory: {Alerts}")]
    private partial void LogSetAside(Exception exception, string alerts, int notifications);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Action} of {Target} could not be recorded in the audit trail; the alert itself is stored")]
    private partial void LogNotAudited(Exception exception, string action, string? target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: rules and silences could not be read again; those read last stay in force")]
    private partial void LogRefreshFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: {Dropped} signals were dropped because more than {Capacity} were waiting; alerts of a storm may be missing")]
    private partial void LogDropped(long dropped, int capacity);
}

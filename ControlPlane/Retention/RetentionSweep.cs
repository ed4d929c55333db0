using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Retention;

/// <summary>How many rows one retention run deleted.</summary>
public sealed record RetentionCounts(int Events, int Commands, int AuditEntries, int Alerts)
{
    public override string ToString() =>
        $"deleted {Events} events, {Commands} finished commands, {AuditEntries} audit entries and {Alerts} resolved alerts";
}

/// <summary>
/// Deletes what <see cref="RetentionRules"/> calls old, in bounded batches with a pause between them
/// (<see cref="BatchedDelete"/>), and audits the run with its counts.
/// </summary>
public sealed partial class RetentionSweep(
    BatchedDelete batches,
    IAuditTrail audit,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<RetentionSweep> logger)
{
    public const string AuditAction = "retention.run";

    private readonly RetentionOptions _options = options.Value;

    public async Task<RetentionCounts> RunAsync(CancellationToken cancellationToken)
    {
        var cutoffs = RetentionRules.CutoffsAt(_options, time.GetUtcNow());
        var counts = new RetentionCounts(
            cutoffs.Events is { } events ? await DeleteAsync(db => db.Events.Where(RetentionRules.OldEvent(events)).OrderBy(e => e.Id), cancellationToken) : 0,
            cutoffs.Commands is { } commands ? await DeleteAsync(db => db.Commands.Where(RetentionRules.OldCommand(commands)).OrderBy(c => c.CreatedAt), cancellationToken) : 0,
            cutoffs.Audit is { } entries ? await DeleteAsync(db => db.AuditLog.Where(RetentionRules.OldAuditEntry(entries)).OrderBy(e => e.Id), cancellationToken) : 0,
            cutoffs.Alerts is { } alerts ? await DeleteAsync(db => db.Alerts.Where(RetentionRules.OldAlert(alerts, db.AlertDeliveries)).OrderBy(a => a.FiredAt), cancellationToken) : 0);
        LogRun(counts.ToString());
        await audit.RecordAsync(new AuditRecord(AuditRecord.System, AuditAction, null, null, AuditOutcome.Succeeded, counts.ToString()), cancellationToken);
        return counts;
    }

    private Task<int> DeleteAsync<T>(Func<VigilDbContext, IQueryable<T>> old, CancellationToken cancellationToken) =>
        batches.DeleteAllAsync(old, cancellationToken);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Counts}")]
    private partial void LogRun(string counts);
}

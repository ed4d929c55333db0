using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Writes each audit entry at once; when the database is away the entry waits in a bounded queue
/// that <see cref="AuditRetryWriter"/> drains when it is back, in order. When the queue is full,
/// entries go to the <see cref="AuditSpill"/> file in the data directory: none is dropped. A write the
/// database does not answer within <see cref="AuditOptions.WriteTimeout"/> (a hung server) is given up
/// and its entry goes to the file too, so that the request that waits for it answers.
/// </summary>
internal sealed partial class AuditTrail(
    IDbContextFactory<VigilDbContext> databases,
    AuditFeed feed,
    AuditSpill spill,
    TimeProvider time,
    IOptions<AuditOptions> options,
    ILogger<AuditTrail> logger,
    int queueCapacity = AuditTrail.QueueCapacity) : IAuditTrail
{
    public const int QueueCapacity = 10_000;

    private readonly Channel<AuditEntry> _unwritten = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(queueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });

    private readonly TimeSpan _writeTimeout = options.Value.WriteTimeout;
    private readonly RefusalTally _refusals = new();
    private readonly Lock _refusalsLock = new();

    internal ChannelReader<AuditEntry> Unwritten => _unwritten.Reader;

    internal AuditSpill Spill => spill;

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        if (!RefusalTally.Applies(record))
        {
            await RecordOneAsync(record);
            return;
        }

        IReadOnlyList<AuditRecord> written;
        lock (_refusalsLock)
        {
            written = _refusals.Admit(record, time.GetUtcNow());
        }

        foreach (var one in written)
        {
            await RecordOneAsync(one);
        }
    }

    /// <summary>Records the counts of refusals whose minute has ended.</summary>
    internal async Task RecordCountedRefusalsAsync()
    {
        IReadOnlyList<AuditRecord> due;
        lock (_refusalsLock)
        {
            due = _refusals.TakeDue(time.GetUtcNow());
        }

        foreach (var one in due)
        {
            await RecordOneAsync(one);
        }
    }

    private async Task RecordOneAsync(AuditRecord record)
    {
        var entry = EntryOf(record);

        // Entries already waiting go first, so that the log stays in order.
        if (_unwritten.Reader.Count == 0 && !spill.IsSpilling)
        {
            using var timeout = new CancellationTokenSource(_writeTimeout, time);
            try
            {
                await WriteWithinAsync(entry, timeout.Token);
                return;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                LogTimedOut(_writeTimeout, spill.FilePath);
                SpillOrLog(entry);
                return;
            }
            catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
            {
                LogQueued(exception.Message);
            }
        }

        if (spill.IsSpilling || !_unwritten.Writer.TryWrite(entry))
        {
            SpillOrLog(entry);
        }
    }

    /// <summary>
    /// Writes the entry, or gives up when <paramref name="timeout"/> ends even if the provider does not
    /// honour it (a hung server): the abandoned write is cancelled and its late failure is no news.
    /// </summary>
    private async Task WriteWithinAsync(AuditEntry entry, CancellationToken timeout)
    {
        var writing = WriteAsync([entry], timeout);
        _ = writing.ContinueWith(finished => _ = finished.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await writing.WaitAsync(timeout);
    }

    private void SpillOrLog(AuditEntry entry)
    {
        var first = !spill.IsSpilling;
        try
        {
            spill.Add(entry);
            if (first)
            {
                LogSpilling(queueCapacity, spill.FilePath);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogLost(exception, entry.Actor, entry.Action, entry.Target ?? "-", entry.Outcome, entry.At, spill.FilePath);
        }
    }

    /// <summary>Writes one entry now, or throws: for a process that ends right after, with no queue to drain.</summary>
    internal Task RecordNowAsync(AuditRecord record, CancellationToken cancellationToken) => WriteAsync([EntryOf(record)], cancellationToken);

    internal async Task WriteAsync(IReadOnlyCollection<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        foreach (var entry in entries)
        {
            entry.Id = 0;
        }

        // An explicit transaction: a write given up at the timeout is sent without its commit, so the
        // server rolls it back when the connection breaks instead of storing it beside its spilled copy.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.AuditLog.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        feed.Publish();
    }

    private AuditEntry EntryOf(AuditRecord record) => new()
    {
        At = time.GetUtcNow(),
        Actor = Shorten(record.Actor, AuditEntryLimits.Actor),
        Action = Shorten(record.Action, AuditEntryLimits.Action),
        Target = record.Target is null ? null : Shorten(record.Target, AuditEntryLimits.Target),
        SourceAddress = record.SourceAddress,
        Outcome = record.Outcome.ToString(),
        Detail = record.Detail is null ? null : Shorten(record.Detail, AuditEntryLimits.Detail),
    };

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length];

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit queue is full ({Capacity} entries wait for the database); further entries are kept in {SpillFile} and written when the database is back")]
    private partial void LogSpilling(int capacity, string spillFile);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Audit entry lost, neither the database nor {SpillFile} could take it: {Actor} {Action} on {Target}, {Outcome}, at {At}. Free the data directory's disk and bring the database back")]
    private partial void LogLost(Exception exception, string actor, string action, string target, string outcome, DateTimeOffset at, string spillFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database did not write an audit entry within {Timeout} (Audit:WriteTimeout); the entry and those after it are kept in {SpillFile} and written when the database answers")]
    private partial void LogTimedOut(TimeSpan timeout, string spillFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write to the audit log now ({Error}); the entry is kept and written when the database is back")]
    private partial void LogQueued(string error);
}

/// <summary>Column lengths of <see cref="AuditEntry"/>.</summary>
internal static class AuditEntryLimits
{
    public const int Actor = 256;
    public const int Action = 64;
    public const int Target = 256;
    public const int Detail = 1024;
}

using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Writes each audit entry at once; when the database is away the entry waits in a bounded queue
/// that <see cref="AuditRetryWriter"/> drains when it is back, in order.
/// </summary>
internal sealed partial class AuditTrail(
    IDbContextFactory<VigilDbContext> databases,
    AuditFeed feed,
    TimeProvider time,
    ILogger<AuditTrail> logger) : IAuditTrail
{
    public const int QueueCapacity = 10_000;

    private readonly Channel<AuditEntry> _unwritten = Channel.CreateBounded<AuditEntry>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly RefusalTally _refusals = new();
    private readonly Lock _refusalsLock = new();

    internal ChannelReader<AuditEntry> Unwritten => _unwritten.Reader;

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
        if (_unwritten.Reader.Count == 0)
        {
            try
            {
                await WriteAsync([entry], CancellationToken.None);
                return;
            }
            catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
            {
                LogQueued(exception.Message);
            }
        }

        _unwritten.Writer.TryWrite(entry);
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

        db.AuditLog.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken);
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

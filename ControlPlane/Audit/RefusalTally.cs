namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Bounds the audit rows of refusals that anyone can cause without a credential (failed sign-ins, wrong
/// API keys, wrong enrollment tokens): per action and source address, the first refusal of a minute is
/// recorded as it is, and the others of that minute become one row with their count when the minute
/// ends. At most <see cref="SourceCountMax"/> sources are told apart; beyond, refusals are counted under
/// one source, <see cref="ManySources"/>. Pure: the caller passes the time and writes what is returned.
/// </summary>
public sealed class RefusalTally
{
    public const int SourceCountMax = 10_000;
    public const string ManySources = "(many sources)";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(string Action, string Source), Tally> _open = [];

    /// <summary>True for a refusal the tally bounds: denied to a caller that presented no valid credential.</summary>
    public static bool Applies(AuditRecord record) => record.Outcome == AuditOutcome.Denied && record.Unauthenticated;

    /// <summary>What to write for <paramref name="record"/> now: it, when it opens a minute; nothing while it is counted.</summary>
    public IReadOnlyList<AuditRecord> Admit(AuditRecord record, DateTimeOffset now)
    {
        var due = TakeDue(now);
        var source = record.SourceAddress ?? "unknown";
        if (!_open.ContainsKey((record.Action, source)) && _open.Count >= SourceCountMax)
        {
            source = ManySources;
        }

        if (_open.TryGetValue((record.Action, source), out var open))
        {
            open.Counted++;
            return due;
        }

        _open[(record.Action, source)] = new Tally(now);
        return source == ManySources
            ? [.. due, record with { SourceAddress = null, Detail = $"from {ManySources}: {record.Detail}" }]
            : [.. due, record];
    }

    /// <summary>One row for each minute that has ended with refusals counted, and forgets those minutes.</summary>
    public IReadOnlyList<AuditRecord> TakeDue(DateTimeOffset now)
    {
        List<AuditRecord>? due = null;
        foreach (var ((action, source), tally) in _open)
        {
            if (now - tally.Since < Window)
            {
                continue;
            }

            _open.Remove((action, source));
            if (tally.Counted > 0)
            {
                (due ??= []).Add(new AuditRecord(
                    AuditRecord.Anonymous,
                    action,
                    null,
                    source == ManySources ? null : source,
                    AuditOutcome.Denied,
                    $"{tally.Counted} more refusals from {source} in the minute from {tally.Since:u}, counted instead of recorded one by one"));
            }
        }

        return due ?? (IReadOnlyList<AuditRecord>)[];
    }

    private sealed class Tally(DateTimeOffset since)
    {
        public DateTimeOffset Since { get; } = since;

        public int Counted { get; set; }
    }
}

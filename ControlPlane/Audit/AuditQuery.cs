using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>Which audit entries to read: every filter is optional; <paramref name="Target"/> matches a part of the target.</summary>
public sealed record AuditFilter(
    string? Actor = null,
    string? Action = null,
    string? Target = null,
    AuditOutcome? Outcome = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null)
{
    /// <summary>Reads the filter from query-string values, naming each bad one in <paramref name="query"/>.</summary>
    public static AuditFilter Parse(QueryParameters query, string? actor, string? action, string? target, string? outcome, string? from, string? to)
    {
        var filter = new AuditFilter(
            Blank(actor),
            Blank(action),
            Blank(target),
            query.OneOf<AuditOutcome>(outcome, "outcome"),
            query.Time(from, "from"),
            query.Time(to, "to"));
        if (filter is { From: { } start, To: { } end } && end < start)
        {
            query.Errors["to"] = ["must not be before from"];
        }

        return filter;
    }

    /// <summary>The filter as query-string parameters, for a link to the same entries (the CSV export).</summary>
    public string ToQueryString()
    {
        var parameters = new List<KeyValuePair<string, string?>>();
        Add("actor", Actor);
        Add("action", Action);
        Add("target", Target);
        Add("outcome", Outcome?.ToString());
        Add("from", From?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Add("to", To?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return Microsoft.AspNetCore.Http.QueryString.Create(parameters).ToUriComponent();

        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parameters.Add(new(name, value));
            }
        }
    }

    internal IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
    {
        if (Actor is { } actor)
        {
            entries = entries.Where(e => e.Actor == actor);
        }

        if (Action is { } action)
        {
            entries = entries.Where(e => e.Action == action);
        }

        if (Target is { } target)
        {
            entries = entries.Where(e => e.Target != null && e.Target.Contains(target));
        }

        if (Outcome is { } outcome)
        {
            var name = outcome.ToString();
            entries = entries.Where(e => e.Outcome == name);
        }

        if (From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }

        if (To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }

        return entries.OrderByDescending(e => e.At).ThenByDescending(e => e.Id);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

/// <summary>Reads the audit log, newest first, for the API, the CSV export and the dashboard.</summary>
public sealed class AuditLogReader(IDbContextFactory<VigilDbContext> databases)
{
    public async Task<(IReadOnlyList<AuditEntry> Items, int Total)> ListAsync(AuditFilter filter, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var entries = filter.Apply(db.AuditLog.AsNoTracking());
        var total = await entries.CountAsync(cancellationToken);
        var items = await entries.Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>Every matching entry, read as it is consumed (the export streams them).</summary>
    public async IAsyncEnumerable<AuditEntry> ReadAllAsync(AuditFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await foreach (var entry in filter.Apply(db.AuditLog.AsNoTracking()).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            yield return entry;
        }
    }
}

using System.Globalization;
using System.Text;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// The audit log as CSV (RFC 4180): a header row, CRLF line ends, and a field quoted when it holds
/// a comma, a quote or a line break, its quotes doubled. A field that a spreadsheet would run as a
/// formula (starting with <c>= + - @</c>, a tab or a carriage return) is prefixed with <c>'</c>,
/// since actors, targets and details may come from what callers sent.
/// </summary>
public static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly string[] Header = ["at", "actor", "action", "target", "sourceAddress", "outcome", "detail"];

    public static async Task WriteAsync(TextWriter writer, IAsyncEnumerable<AuditEntry> entries, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(Row(Header).AsMemory(), cancellationToken);
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            await writer.WriteAsync(Row(Fields(entry)).AsMemory(), cancellationToken);
        }
    }

    /// <summary>One record with its CRLF.</summary>
    public static string Row(IEnumerable<string?> fields)
    {
        var row = new StringBuilder();
        foreach (var field in fields)
        {
            if (row.Length > 0)
            {
                row.Append(',');
            }

            row.Append(Field(field));
        }

        return row.Append("\r\n").ToString();
    }

    /// <summary>One field, defused and quoted as needed; null is an empty field.</summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string?[] Fields(AuditEntry entry) =>
    [
        entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        entry.Actor,
        entry.Action,
        entry.Target,
        entry.SourceAddress,
        entry.Outcome,
        entry.Detail,
    ];
}

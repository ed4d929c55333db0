using System.Globalization;

namespace Vigil.Shared.Services;

/// <summary>Accepted HTTP status codes: one code (<c>204</c>) or an inclusive range (<c>200-399</c>).</summary>
public readonly record struct StatusRange(int From, int To)
{
    public bool Contains(int status) => status >= From && status <= To;

    public static bool TryParse(string? text, out StatusRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            return false;
        }

        var to = from;
        if (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out to))
        {
            return false;
        }

        if (from < 100 || to > 599 || to < from)
        {
            return false;
        }

        range = new StatusRange(from, to);
        return true;
    }

    public override string ToString() => From == To ? From.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
}

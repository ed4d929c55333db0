using System.Text;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>How the operating system writes a reference to an environment variable.</summary>
public enum ReferenceSyntax
{
    /// <summary><c>%NAME%</c>, names matched ignoring case; <c>%%</c> is a literal <c>%</c>.</summary>
    Windows,

    /// <summary><c>$NAME</c> or <c>${NAME}</c>, names of letters, digits and <c>_</c> matched exactly; <c>$$</c> is a literal <c>$</c>.</summary>
    Unix,
}

/// <summary>
/// Expands references to environment variables in the text of a <c>process</c> service's definition,
/// as NSSM and WinSW do. A reference to a variable that is not set is left as written (as Windows
/// itself and WinSW leave it), so a mistake shows in the process's arguments instead of vanishing.
/// Pure: the variables come in as a lookup.
/// </summary>
public static class EnvironmentReferences
{
    public static StringComparer NameComparer(ReferenceSyntax syntax) =>
        syntax == ReferenceSyntax.Windows ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary><paramref name="text"/> with each reference replaced by the variable's value; <paramref name="lookup"/> gives null for a variable that is not set.</summary>
    public static string Expand(string text, ReferenceSyntax syntax, Func<string, string?> lookup) =>
        syntax == ReferenceSyntax.Windows ? ExpandPercent(text, lookup) : ExpandDollar(text, lookup);

    /// <summary>
    /// The service's environment entries with their references expanded. An entry may refer to the
    /// agent's variables and to the service's other entries (expanded in turn); a reference to the
    /// entry itself means the agent's value (<c>PATH=%PATH%;C:\tools</c> extends the machine's PATH), and
    /// so does one that would go round a circle of entries back to one being expanded. Each entry is
    /// expanded once; but for such circles, the order in which entries are written does not matter.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ExpandEntries(
        IReadOnlyDictionary<string, string> entries, ReferenceSyntax syntax, Func<string, string?> agentVariable)
    {
        var comparer = NameComparer(syntax);
        var written = new Dictionary<string, string>(comparer);
        foreach (var (name, value) in entries)
        {
            written[name] = value;
        }

        var expanded = new Dictionary<string, string>(comparer);
        var resolving = new HashSet<string>(comparer);
        foreach (var name in written.Keys)
        {
            Resolve(name);
        }

        return expanded;

        string Resolve(string name)
        {
            if (expanded.TryGetValue(name, out var done))
            {
                return done;
            }

            resolving.Add(name);
            var value = Expand(written[name], syntax, reference =>
                written.ContainsKey(reference) && !resolving.Contains(reference) ? Resolve(reference) : agentVariable(reference));
            resolving.Remove(name);
            expanded[name] = value;
            return value;
        }
    }

    private static string ExpandPercent(string text, Func<string, string?> lookup)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('%', i);
            if (open < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            result.Append(text, i, open - i);
            var close = text.IndexOf('%', open + 1);
            if (close < 0)
            {
                result.Append(text, open, text.Length - open);
                break;
            }

            if (close == open + 1)
            {
                result.Append('%');
                i = close + 1;
                continue;
            }

            var name = text[(open + 1)..close];
            if (!name.Contains('=', StringComparison.Ordinal) && lookup(name) is { } value)
            {
                result.Append(value);
                i = close + 1;
            }
            else
            {
                // Left as written; its closing % may open the next reference, as Windows reads "50% of %PATH%".
                result.Append(text, open, close - open);
                i = close;
            }
        }

        return result.ToString();
    }

    private static string ExpandDollar(string text, Func<string, string?> lookup)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var dollar = text.IndexOf('$', i);
            if (dollar < 0 || dollar == text.Length - 1)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            result.Append(text, i, dollar - i);
            var next = text[dollar + 1];
            if (next == '$')
            {
                result.Append('$');
                i = dollar + 2;
            }
            else if (next == '{')
            {
                var close = text.IndexOf('}', dollar + 2);
                var name = close < 0 ? "" : text[(dollar + 2)..close];
                if (IsUnixName(name))
                {
                    result.Append(lookup(name) ?? text[dollar..(close + 1)]);
                    i = close + 1;
                }
                else
                {
                    result.Append('$');
                    i = dollar + 1;
                }
            }
            else if (IsUnixNameStart(next))
            {
                var end = dollar + 2;
                while (end < text.Length && IsUnixNamePart(text[end]))
                {
                    end++;
                }

                var name = text[(dollar + 1)..end];
                result.Append(lookup(name) ?? text[dollar..end]);
                i = end;
            }
            else
            {
                result.Append('$');
                i = dollar + 1;
            }
        }

        return result.ToString();
    }

    private static bool IsUnixName(string name) => name.Length > 0 && IsUnixNameStart(name[0]) && name.All(IsUnixNamePart);

    private static bool IsUnixNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsUnixNamePart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}

using System.Globalization;
using System.Text;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// Reads a registry export (<c>reg export</c> or Registry Editor, "Windows Registry Editor Version
/// 5.00"): each key's values, as text (REG_SZ, REG_EXPAND_SZ), numbers (REG_DWORD) or lists of text
/// (REG_MULTI_SZ). Other value types are kept as their type's name, for the importer to report.
/// </summary>
public static class RegFile
{
    private const string Header = "Windows Registry Editor Version 5.00";

    /// <summary>Key path → value name (empty for the default value) → value.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> Parse(string text)
    {
        var lines = Logical(text.TrimStart('\uFEFF')).ToList();
        if (lines.Count == 0 || lines[0].Trim() != Header)
        {
            throw new ServiceImportException($"A registry export begins with \"{Header}\" (export the key with: reg export <key> <file>).");
        }

        var keys = new Dictionary<string, IReadOnlyDictionary<string, object>>(StringComparer.OrdinalIgnoreCase);
        Dictionary<string, object>? values = null;
        foreach (var line in lines.Skip(1).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith(';')))
        {
            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                values = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);
                keys[line[1..^1]] = values;
                continue;
            }

            if (values is null)
            {
                throw new ServiceImportException($"A value comes before any [key]: {line}");
            }

            var (name, data) = NameAndData(line);
            values[name] = Value(data, line);
        }

        return keys;
    }

    /// <summary>The lines with hex lists' continuations (a trailing backslash) joined.</summary>
    private static IEnumerable<string> Logical(string text)
    {
        var pending = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.EndsWith('\\') && IsHexContinuation(pending, line))
            {
                pending.Append(line.AsSpan(0, line.Length - 1).Trim());
                continue;
            }

            pending.Append(pending.Length > 0 ? line.Trim() : line);
            yield return pending.ToString();
            pending.Clear();
        }
    }

    /// <summary>Only a hex list continues on the next line; a string value may end in a backslash of its own.</summary>
    private static bool IsHexContinuation(StringBuilder pending, string line) =>
        pending.Length > 0 || (line.Contains("=hex", StringComparison.OrdinalIgnoreCase) && !line.TrimEnd('\\').TrimEnd().EndsWith('"'));

    private static (string Name, string Data) NameAndData(string line)
    {
        if (line.StartsWith('@'))
        {
            return ("", line[(line.IndexOf('=') + 1)..]);
        }

        if (!line.StartsWith('"'))
        {
            throw new ServiceImportException($"Not a registry value: {line}");
        }

        var (name, end) = QuotedString(line, 0);
        if (end >= line.Length || line[end] != '=')
        {
            throw new ServiceImportException($"Not a registry value: {line}");
        }

        return (name, line[(end + 1)..]);
    }

    private static object Value(string data, string line)
    {
        if (data.StartsWith('"'))
        {
            return QuotedString(data, 0).Text;
        }

        if (data.StartsWith("dword:", StringComparison.OrdinalIgnoreCase))
        {
            return uint.TryParse(data[6..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var number)
                ? (object)(long)number
                : throw new ServiceImportException($"Not a DWORD value: {line}");
        }

        if (data.StartsWith("hex(2):", StringComparison.OrdinalIgnoreCase))
        {
            return Utf16(Bytes(data[7..], line)).TrimEnd('\0');
        }

        if (data.StartsWith("hex(7):", StringComparison.OrdinalIgnoreCase))
        {
            return Utf16(Bytes(data[7..], line)).Split('\0').Where(s => s.Length > 0).ToList();
        }

        return data.StartsWith("hex", StringComparison.OrdinalIgnoreCase) ? new UnsupportedValue(data[..data.IndexOf(':')]) : data;
    }

    private static (string Text, int End) QuotedString(string line, int start)
    {
        var text = new StringBuilder();
        for (var i = start + 1; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                text.Append(line[++i]);
            }
            else if (line[i] == '"')
            {
                return (text.ToString(), i + 1);
            }
            else
            {
                text.Append(line[i]);
            }
        }

        throw new ServiceImportException($"A quoted string does not end: {line}");
    }

    private static byte[] Bytes(string hex, string line)
    {
        try
        {
            return [.. hex.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => byte.Parse(b, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
        }
        catch (FormatException)
        {
            throw new ServiceImportException($"Not a list of hexadecimal bytes: {line}");
        }
    }

    private static string Utf16(byte[] bytes) => Encoding.Unicode.GetString(bytes, 0, bytes.Length - (bytes.Length % 2));
}

/// <summary>A value of a type the importer does not read (binary, QWORD, ...): its type as written, e.g. <c>hex(b)</c>.</summary>
public sealed record UnsupportedValue(string Type);

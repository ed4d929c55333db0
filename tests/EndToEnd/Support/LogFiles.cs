using System.Text.RegularExpressions;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>What Vigil's processes wrote: their log files, and the one-time passwords they print.</summary>
public static partial class LogFiles
{
    /// <summary>
    /// The text of every log file under <c><paramref name="dataDirectory"/>/logs</c>, read while the
    /// process may still write them. Throws when there is no log folder: a search of logs that were never written proves nothing.
    /// </summary>
    public static string ReadAll(string dataDirectory, string pattern = "*") =>
        string.Join(Environment.NewLine, Directory.GetFiles(Path.Combine(dataDirectory, "logs"), pattern).Order(StringComparer.Ordinal).Select(Read));

    /// <summary>A one-time password as the control plane prints it: group 1 is the password.</summary>
    [GeneratedRegex("one-time password: (\\S+)")]
    public static partial Regex OneTimePassword();

    private static string Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

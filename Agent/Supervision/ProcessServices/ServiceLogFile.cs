using System.Globalization;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// One output file of a process service (<c>stdout.log</c> or <c>stderr.log</c>), kept in bounds at
/// every check: rolled over to <c>&lt;file&gt;.&lt;yyyy-MM-dd&gt;</c> on the first check of a new day
/// when <see cref="ServiceLogSettings.RollDaily"/> is set (dated files older than
/// <see cref="ServiceLogSettings.KeepDays"/> deleted), and to <c>.1</c>…<c>.MaxFiles</c> once it is
/// full. The day a file covers starts as the day of its last write, so lines written before an agent
/// restart are not filed under the day after.
/// </summary>
public sealed class ServiceLogFile(string path, ServiceLogSettings settings, TimeProvider time)
{
    private const string DayFormat = "yyyy-MM-dd";
    private DateOnly? _day;

    public string Path => path;

    /// <summary>The dated copy of the file for <paramref name="day"/>.</summary>
    public static string DatedName(string path, DateOnly day) => $"{path}.{day.ToString(DayFormat, CultureInfo.InvariantCulture)}";

    /// <summary>Of <paramref name="files"/>, the dated copies of <paramref name="path"/> older than <paramref name="keepDays"/> days before <paramref name="today"/>.</summary>
    public static IEnumerable<string> Expired(IEnumerable<string> files, string path, DateOnly today, int keepDays) =>
        files.Where(file => DayOf(file, path) is { } day && day < today.AddDays(-keepDays));

    /// <summary>Rolls the file over as due; true when it was copied aside.</summary>
    public bool Check()
    {
        var rolled = settings.RollDaily && RollIfNewDay();
        return RotatingLogFiles.RotateIfFull(path, settings.MaxFileBytes, settings.MaxFiles) || rolled;
    }

    private bool RollIfNewDay()
    {
        var today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        var file = new FileInfo(path);
        _day ??= file.Exists && file.Length > 0 ? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(file.LastWriteTimeUtc, time.LocalTimeZone)) : today;
        if (_day >= today)
        {
            return false;
        }

        var rolled = file.Exists && RotatingLogFiles.CopyAsideAndEmpty(path, DatedName(path, _day.Value));
        _day = today;
        var folder = System.IO.Path.GetDirectoryName(path) ?? ".";
        foreach (var expired in Expired(Directory.EnumerateFiles(folder, System.IO.Path.GetFileName(path) + ".*"), path, today, settings.KeepDays))
        {
            File.Delete(expired);
        }

        return rolled;
    }

    private static DateOnly? DayOf(string file, string path) =>
        file.Length == path.Length + 1 + DayFormat.Length && file.StartsWith(path + ".", StringComparison.Ordinal)
        && DateOnly.TryParseExact(file[(path.Length + 1)..], DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : null;
}

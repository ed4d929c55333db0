using System.Globalization;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>How the dashboard writes durations, percentages and sizes.</summary>
internal static class Formats
{
    private const double GiB = 1024d * 1024 * 1024;

    public static string Age(TimeSpan age) => age.TotalSeconds switch
    {
        < 0 => "just now",
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalSeconds:0} s ago"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalMinutes:0} min ago"),
        < 172_800 => string.Create(CultureInfo.InvariantCulture, $"{age.TotalHours:0} h ago"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{age.TotalDays:0} days ago"),
    };

    public static string Percent(double percent) => string.Create(CultureInfo.InvariantCulture, $"{percent:0} %");

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / GiB:0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0} KiB"),
    };

    public static string Duration(TimeSpan duration) => duration.TotalSeconds switch
    {
        < 120 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0} s"),
        < 7200 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0} min"),
        < 172_800 => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalHours:0} h"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalDays:0} days"),
    };

    public static string Time(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string Memory(HostMetrics host)
    {
        var used = host.MemoryTotalBytes - host.MemoryAvailableBytes;
        var share = host.MemoryTotalBytes == 0 ? 0 : 100d * used / host.MemoryTotalBytes;
        return string.Create(CultureInfo.InvariantCulture, $"{used / GiB:0.0} / {host.MemoryTotalBytes / GiB:0.0} GiB ({share:0} %)");
    }
}

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

    public static string Memory(HostMetrics host)
    {
        var used = host.MemoryTotalBytes - host.MemoryAvailableBytes;
        var share = host.MemoryTotalBytes == 0 ? 0 : 100d * used / host.MemoryTotalBytes;
        return string.Create(CultureInfo.InvariantCulture, $"{used / GiB:0.0} / {host.MemoryTotalBytes / GiB:0.0} GiB ({share:0} %)");
    }
}

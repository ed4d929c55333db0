using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// What WinSW and NSSM settings that Vigil also has become: the priority class, the processors, the
/// delayed start and the lifecycle hooks. Pure.
/// </summary>
public static class ImportedScheduling
{
    /// <summary>What Windows' "Automatic (Delayed Start)" waits, by default, after the automatic services have started.</summary>
    public static readonly TimeSpan DelayedAutoStart = TimeSpan.FromMinutes(2);

    /// <summary>A Windows priority class by name (WinSW's <c>idle</c> … <c>realtime</c>); real-time becomes High, with a note.</summary>
    public static string? Priority(string name, string field, List<string> notes)
    {
        if (name.Equals("realtime", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add($"{field} RealTime becomes High: the agent runs no service at real-time priority, which can starve the machine.");
            return ProcessPriorities.High;
        }

        if (ProcessPriorities.All.FirstOrDefault(p => p.Equals(name, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            return known;
        }

        notes.Add($"{field} '{name}' is not a priority class Vigil knows; it is not carried over.");
        return null;
    }

    /// <summary>A Windows priority class by its constant (NSSM's <c>AppPriority</c>, e.g. 0x4000 for BELOW_NORMAL_PRIORITY_CLASS).</summary>
    public static string? Priority(long priorityClass, string field, List<string> notes) => priorityClass switch
    {
        0x40 => ProcessPriorities.Idle,
        0x4000 => ProcessPriorities.BelowNormal,
        0x20 => ProcessPriorities.Normal,
        0x8000 => ProcessPriorities.AboveNormal,
        0x80 => ProcessPriorities.High,
        0x100 => Priority("realtime", field, notes),
        _ => Priority($"0x{priorityClass:x}", field, notes),
    };

    /// <summary>Processors as NSSM writes them (<c>0-2,5</c>); null, with a note, when the list cannot be read or names a processor beyond 63.</summary>
    public static List<int>? Processors(string list, string field, List<string> notes)
    {
        var processors = new SortedSet<int>();
        foreach (var part in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-', StringSplitOptions.TrimEntries);
            if (range.Length is < 1 or > 2 || !range.All(IsProcessor))
            {
                notes.Add($"{field} '{list}' is not a list of processors such as 0-2,5 (0 to {ProcessPriorities.MaxProcessorIndex}); it is not carried over.");
                return null;
            }

            var first = int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
            var last = int.Parse(range[^1], System.Globalization.CultureInfo.InvariantCulture);
            for (var processor = first; processor <= last; processor++)
            {
                processors.Add(processor);
            }
        }

        return [.. processors];
    }

    /// <summary>A hook given as a program and its arguments as one Windows command line.</summary>
    public static LifecycleHook Hook(string executable, string? arguments) => new()
    {
        Executable = executable,
        Arguments = arguments is null ? [] : [.. CommandLineArguments.Split(arguments)],
    };

    private static bool IsProcessor(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index) && index <= ProcessPriorities.MaxProcessorIndex;
}

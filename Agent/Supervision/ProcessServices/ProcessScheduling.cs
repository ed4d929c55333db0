using System.Diagnostics;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Gives a launched process the priority and processor affinity of its definition. On Linux the
/// priority is the nice value .NET maps each class to (Idle 19, BelowNormal 10, Normal 0, AboveNormal
/// −10, High −15; raising it needs the agent to run as root); on Windows the priority class itself.
/// </summary>
public static class ProcessScheduling
{
    /// <summary>The priority class of a validated name.</summary>
    public static ProcessPriorityClass ClassOf(string priority) => priority.ToUpperInvariant() switch
    {
        "IDLE" => ProcessPriorityClass.Idle,
        "BELOWNORMAL" => ProcessPriorityClass.BelowNormal,
        "NORMAL" => ProcessPriorityClass.Normal,
        "ABOVENORMAL" => ProcessPriorityClass.AboveNormal,
        "HIGH" => ProcessPriorityClass.High,
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, $"not one of {string.Join(", ", ProcessPriorities.All)}"),
    };

    /// <summary>The affinity mask of validated processor indexes.</summary>
    public static nint MaskOf(IEnumerable<int> processors) => (nint)processors.Aggregate(0UL, (mask, index) => mask | (1UL << index));

    /// <summary>Applies both; what could not be applied, as sentences for the log (the process runs all the same).</summary>
    public static IReadOnlyList<string> Apply(Process process, ManagedServiceDefinition definition)
    {
        var problems = new List<string>();
        if (definition.Priority is { } priority)
        {
            Try(problems, $"priority {priority}", () => process.PriorityClass = ClassOf(priority));
        }

        if (definition.Affinity.Count > 0)
        {
            var mask = MaskOf(definition.Affinity);
            Try(problems, $"affinity to processors {string.Join(", ", definition.Affinity)}", () => SetAffinity(process, mask));
        }

        return problems;
    }

    /// <summary>Linux and Windows have a processor affinity; elsewhere it is reported as not applied.</summary>
    private static void SetAffinity(Process process, nint mask)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows())
        {
            process.ProcessorAffinity = mask;
            return;
        }

        throw new PlatformNotSupportedException("this operating system offers no way");
    }

    private static void Try(List<string> problems, string what, Action apply)
    {
        try
        {
            apply();
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException or ArgumentException or PlatformNotSupportedException)
        {
            problems.Add($"could not set the {what}: {exception.Message}");
        }
    }
}

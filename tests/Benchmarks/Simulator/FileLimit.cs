namespace Vigil.Benchmarks.Simulator;

/// <summary>Each simulated agent holds one socket; a low open-file limit fails connections silently.</summary>
public static class FileLimit
{
    public static void WarnIfTooLow(int agents)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var limits = File.ReadLines($"/proc/{Environment.ProcessId}/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = limits?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3];
        if (long.TryParse(soft, out var limit) && limit < agents + 256)
        {
            Console.Error.WriteLine($"The open-file limit is {limit}, too low for {agents} agents: run `ulimit -n {Math.Max(65536, agents * 2)}` first (also for the control plane).");
        }
    }
}

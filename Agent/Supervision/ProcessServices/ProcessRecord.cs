using System.Diagnostics;
using System.Text.Json;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Which process a service runs in, kept on disk so that an agent that restarts finds (and keeps)
/// a service that outlived it instead of starting a second copy. The start time guards against a
/// recycled process id.
/// </summary>
public sealed record ProcessRecord(int ProcessId, DateTime StartedAtUtc, string Executable)
{
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(2);

    public static ProcessRecord? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), ProcessRecordJson.Default.ProcessRecord) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        DurableFile.Write(path, JsonSerializer.Serialize(this, ProcessRecordJson.Default.ProcessRecord));
    }

    /// <summary>The live process this record describes, or null when it has ended (or the id now belongs to another).</summary>
    public Process? FindRunning()
    {
        try
        {
            var process = Process.GetProcessById(ProcessId);
            if (!process.HasExited && (process.StartTime.ToUniversalTime() - StartedAtUtc).Duration() <= StartTimeTolerance)
            {
                return process;
            }

            process.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}

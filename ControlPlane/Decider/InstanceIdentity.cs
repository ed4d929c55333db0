using System.Globalization;

namespace Vigil.ControlPlane.Decider;

/// <summary>
/// Who this control-plane instance is: an id kept in its data directory, and an exclusive lock on that
/// directory that the operating system releases when the process ends, even by a crash. Holding the
/// lock proves that no earlier run of this installation is still alive.
/// </summary>
public sealed class InstanceIdentity : IDisposable
{
    private const string IdFile = "control-plane-id";
    private const string LockFile = "control-plane.lock";
    private readonly FileStream _lock;

    private InstanceIdentity(Guid id, string name, FileStream held)
    {
        Id = id;
        Name = name;
        _lock = held;
    }

    public Guid Id { get; }

    /// <summary>Host name, process id and data directory, for operators.</summary>
    public string Name { get; }

    /// <summary>Takes the data directory; refuses (with what to do) when another process uses it.</summary>
    public static InstanceIdentity Take(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        FileStream held;
        try
        {
            held = new FileStream(Path.Combine(dataDirectory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"Another control plane process uses the data directory {dataDirectory}; stop it first, or give this one its own DataDirectory. ({exception.Message})",
                exception);
        }

        var idPath = Path.Combine(dataDirectory, IdFile);
        if (!File.Exists(idPath) || !Guid.TryParse(File.ReadAllText(idPath).Trim(), CultureInfo.InvariantCulture, out var id))
        {
            id = Guid.NewGuid();
            File.WriteAllText(idPath, id.ToString());
        }

        var name = string.Create(CultureInfo.InvariantCulture, $"{Environment.MachineName} (process {Environment.ProcessId}, {dataDirectory})");
        return new InstanceIdentity(id, name.Length > 256 ? name[..256] : name, held);
    }

    public void Dispose() => _lock.Dispose();
}

using System.Text.Json;
using System.Threading.Channels;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>
/// Audit entries that found the queue full while the database was away, in a file in the data
/// directory (one JSON entry a line, in order), so that none is dropped. Once one entry is here,
/// every later one comes here too until the file is written to the database, so the log stays in
/// order. A file left by a control plane that stopped meanwhile is written when it starts again.
/// </summary>
internal sealed class AuditSpill(string directory)
{
    public const string FileName = "audit-unwritten.jsonl";
    private const string TakenSuffix = ".writing";

    private readonly Lock _gate = new();
    private readonly Channel<bool> _added = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private bool _spilling = File.Exists(Path.Combine(directory, FileName)) || File.Exists(Path.Combine(directory, FileName + TakenSuffix));

    /// <summary>A file was left by a control plane that stopped before it could write it: older than anything queued now.</summary>
    public bool LeftFromBefore { get; } = File.Exists(Path.Combine(directory, FileName)) || File.Exists(Path.Combine(directory, FileName + TakenSuffix));

    public string FilePath => Path.Combine(directory, FileName);

    private string TakenPath => FilePath + TakenSuffix;

    /// <summary>True while entries go to the file: they must, until it is written.</summary>
    public bool IsSpilling
    {
        get
        {
            lock (_gate)
            {
                return _spilling;
            }
        }
    }

    /// <summary>Adds the entry to the file; throws when the file cannot be written (a full disk).</summary>
    public void Add(AuditEntry entry)
    {
        var line = JsonSerializer.Serialize(entry) + Environment.NewLine;
        lock (_gate)
        {
            Directory.CreateDirectory(directory);
            File.AppendAllText(FilePath, line);
            _spilling = true;
        }

        _added.Writer.TryWrite(true);
    }

    /// <summary>Completes once an entry was added since the last wait ended: the writer's cue to take the file.</summary>
    public async Task WaitForEntriesAsync(CancellationToken cancellationToken) => await _added.Reader.ReadAsync(cancellationToken);

    /// <summary>
    /// The entries to write now, oldest first, or null when there are none; they stay in a file of
    /// their own until <see cref="Written"/>, while new ones go on to the spill file.
    /// </summary>
    public async Task<IReadOnlyList<AuditEntry>?> TakeAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!File.Exists(TakenPath))
            {
                if (!File.Exists(FilePath))
                {
                    _spilling = false;
                    return null;
                }

                File.Move(FilePath, TakenPath);
            }
        }

        var lines = await File.ReadAllLinesAsync(TakenPath, cancellationToken);
        return [.. lines.Where(line => line.Length > 0).Select(line => JsonSerializer.Deserialize<AuditEntry>(line)!)];
    }

    /// <summary>The entries last taken are in the database.</summary>
    public void Written() => File.Delete(TakenPath);
}

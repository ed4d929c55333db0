namespace Vigil.Agent.Identity;

/// <summary>
/// The node's stable id: a GUID generated on the first start and kept in <c>node-id</c> in the data
/// directory, so the control plane recognises the node across agent restarts and upgrades.
/// </summary>
public static class NodeIdentity
{
    public const string FileName = "node-id";

    public static Guid LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            var text = File.ReadAllText(path).Trim();
            return Guid.TryParse(text, out var id) && id != Guid.Empty
                ? id
                : throw new InvalidOperationException(
                    $"The node id file {path} does not hold a node id. Restore it from a backup to keep this node's identity, " +
                    "or delete it to register this machine as a new node.");
        }

        Directory.CreateDirectory(dataDirectory);
        var created = Guid.NewGuid();
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, created.ToString("D"));
        File.Move(temporary, path, overwrite: false);
        return created;
    }
}

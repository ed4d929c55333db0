namespace Vigil.Agent.Identity;

/// <summary>
/// The node's stable id: a GUID generated on the first start and kept in <c>node-id</c> in the data
/// directory, so the control plane recognises the node across agent restarts and upgrades. A damaged
/// file stops the agent with a message rather than silently registering the machine as a new node.
/// </summary>
public static class NodeIdentity
{
    public const string FileName = "node-id";

    public static Guid LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return Read(path);
        }

        Directory.CreateDirectory(dataDirectory);
        var created = Guid.NewGuid();
        var temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            // Written in full and flushed to disk before it takes the real name: a crash leaves
            // either no file or a whole one, never a half-written id.
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(created.ToString("D"));
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return created;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another agent process on the same data directory won the race: use its id.
            return Read(path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static Guid Read(string path)
    {
        var text = File.ReadAllText(path).Trim();
        return Guid.TryParse(text, out var id) && id != Guid.Empty
            ? id
            : throw new InvalidOperationException(
                $"The node id file {path} does not hold a node id. Restore it from a backup to keep this node's identity, " +
                "or delete it to register this machine as a new node.");
    }
}

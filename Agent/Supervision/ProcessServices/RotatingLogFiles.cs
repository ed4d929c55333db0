namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Keeps a service's output files in bounds the way logrotate's copytruncate does: the file is copied
/// aside and truncated in place, so the process, which appends, goes on writing to the same file. A
/// few lines written during the copy may be lost; nothing blocks the service.
/// </summary>
public static class RotatingLogFiles
{
    /// <summary>Once the file is full, copies it to <c>.1</c> (older copies move up to <c>.MaxFiles</c>) and empties it.</summary>
    public static bool RotateIfFull(string path, long maxBytes, int maxFiles)
    {
        var file = new FileInfo(path);
        if (!file.Exists || file.Length < maxBytes)
        {
            return false;
        }

        for (var i = maxFiles - 1; i >= 1; i--)
        {
            var older = $"{path}.{i}";
            if (File.Exists(older))
            {
                File.Move(older, $"{path}.{i + 1}", overwrite: true);
            }
        }

        File.Delete($"{path}.1");
        return CopyAsideAndEmpty(path, $"{path}.1");
    }

    /// <summary>
    /// Appends the file's content to <paramref name="aside"/> (created if need be, so a second roll to
    /// the same name loses nothing) and empties the file; false when there was nothing to copy.
    /// </summary>
    public static bool CopyAsideAndEmpty(string path, string aside)
    {
        using var source = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        if (source.Length == 0)
        {
            return false;
        }

        using (var target = new FileStream(aside, FileMode.Append, FileAccess.Write, FileShare.Read))
        {
            source.CopyTo(target);
        }

        source.SetLength(0);
        return true;
    }
}

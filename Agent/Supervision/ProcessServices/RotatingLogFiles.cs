using System.Diagnostics;
namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// Keeps a service's output files under their size limit, the way logrotate's copytruncate does:
/// the full file is copied to <c>.1</c> (older copies move up to <c>.MaxFiles</c>) and truncated in place,
/// so the process, which appends, goes on writing to the same file. A few lines written during the
/// copy may be lost; nothing blocks the service.
/// </summary>
public static class RotatingLogFiles
{
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

        File.Copy(path, $"{path}.1", overwrite: true);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.SetLength(0);
        return true;
    }
}

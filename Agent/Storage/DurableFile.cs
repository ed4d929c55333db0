namespace Vigil.Agent.Storage;

/// <summary>Writes a whole file so that a crash leaves the old content or the new, never half of it.</summary>
internal static class DurableFile
{
    public static void Write(string path, string content) => Write(path, content, ownerOnly: false);

    /// <summary>
    /// As <see cref="Write(string, string)"/>, for a secret: on Linux and macOS the file is created
    /// readable and writable by its owner only (0600) before anything is written to it.
    /// </summary>
    public static void WriteOwnerOnly(string path, string content) => Write(path, content, ownerOnly: true);

    private static void Write(string path, string content, bool ownerOnly)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            // The mode applies only to a file this call creates: a leftover from a crash goes first.
            File.Delete(temporary);
            options.Mode = FileMode.CreateNew;
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

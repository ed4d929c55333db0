using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>
/// The Redis test servers not disposed yet, and those left by test processes that are gone. When the
/// test process exits with some still there (a crashed test, an aborted run), it kills them and
/// deletes their folders. A server's folder is named after the test process that owns it
/// (<c>redis-PID-…</c>) and is on the server's command line, so a later start finds and kills the
/// servers of a test process that was killed before it could.
/// </summary>
internal static class LeftoverRedisServers
{
    private const string FolderPrefix = "redis-";
    private const string FolderMarker = "/vigil-tests/" + FolderPrefix;
    private static readonly ConcurrentDictionary<RedisServer, byte> Servers = new();

    static LeftoverRedisServers() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    /// <summary>A new folder name that says this test process owns the server.</summary>
    public static string FolderNameForThisProcess() =>
        string.Create(CultureInfo.InvariantCulture, $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}")[..(FolderPrefix.Length + 20)];

    public static void Track(RedisServer server) => Servers[server] = 0;

    public static void Forget(RedisServer server) => Servers.TryRemove(server, out _);

    /// <summary>Kills the Redis test servers whose owning test process no longer runs and deletes their folders.</summary>
    public static void KillThoseOfEndedTestProcesses()
    {
        foreach (var pid in StrayProcesses.Mentioning(FolderMarker))
        {
            string[] commandLine;
            try
            {
                commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var folderAt = Array.IndexOf(commandLine, "--dir") + 1;
            if (Path.GetFileName(commandLine[0]) != "redis-server" || folderAt == 0 || folderAt >= commandLine.Length)
            {
                continue;
            }

            var folder = commandLine[folderAt];
            var owner = Path.GetFileName(folder)[FolderPrefix.Length..].Split('-')[0];
            if (!int.TryParse(owner, CultureInfo.InvariantCulture, out var ownerPid) || Directory.Exists($"/proc/{ownerPid}"))
            {
                continue;
            }

            Console.Error.WriteLine($"Killing the Redis test server in {folder} (process {pid}), left running by test process {ownerPid}, which has ended.");
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Already gone with its test run's temporary folder, or left for it.
            }
        }
    }

    private static void KillAll()
    {
        foreach (var server in Servers.Keys)
        {
            if (server.IsRunning)
            {
                Console.Error.WriteLine($"Killing the Redis test server on port {server.Port} in {server.ServerDirectory}, still running at the end of the tests (not disposed).");
                server.Kill();
            }

            server.DeleteDirectory();
        }
    }
}

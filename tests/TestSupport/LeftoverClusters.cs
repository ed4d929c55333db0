using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Vigil.TestSupport;

/// <summary>
/// The PostgreSQL test clusters not disposed yet. When the test process exits with some still
/// there (a crashed test, an aborted run), it stops their servers and deletes their folders, so
/// that no server outlives the tests.
/// </summary>
internal static class LeftoverClusters
{
    private static readonly ConcurrentDictionary<PostgresServer, byte> Clusters = new();

    static LeftoverClusters() => AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();

    public static void Track(PostgresServer server) => Clusters[server] = 0;

    public static void Forget(PostgresServer server) => Clusters.TryRemove(server, out _);

    private static void StopAll()
    {
        var stops = new List<(PostgresServer Server, Process PgCtl)>();
        foreach (var server in Clusters.Keys.Where(server => server.MayBeRunning))
        {
            Console.Error.WriteLine($"Stopping the PostgreSQL test server in {server.DataDirectory}, still running at the end of the tests (not disposed).");
            try
            {
                stops.Add((server, server.Installation.StartPgCtl(["stop", "-D", server.DataDirectory, "-m", "immediate", "-w", "-t", "10"], server.ClusterDirectory)));
            }
            catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                KillPostmaster(server);
            }
        }

        foreach (var (server, pgCtl) in stops)
        {
            using (pgCtl)
            {
                if (!pgCtl.WaitForExit(TimeSpan.FromSeconds(15)) || server.MayBeRunning)
                {
                    KillPostmaster(server);
                }
            }
        }

        foreach (var server in Clusters.Keys)
        {
            server.DeleteDirectory();
        }
    }

    /// <summary>The last resort: the postmaster's process id is the first line of its pid file.</summary>
    private static void KillPostmaster(PostgresServer server)
    {
        try
        {
            var firstLine = File.ReadLines(Path.Combine(server.DataDirectory, "postmaster.pid")).FirstOrDefault();
            if (int.TryParse(firstLine, CultureInfo.InvariantCulture, out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill(entireProcessTree: true);
            }
        }
        catch (Exception exception) when (exception is IOException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}

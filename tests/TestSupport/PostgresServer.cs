using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Vigil.TestSupport;

/// <summary>
/// A throwaway PostgreSQL cluster for tests: initdb into a fresh temporary folder, a server on a
/// free loopback port with durability off (fsync, synchronous commit and full-page writes), and a
/// fresh database per test. <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> take the
/// server away and bring it back on the same port, for tests of a database that goes away;
/// <see cref="Freeze"/> and <see cref="Thaw"/> make it hang and go on, for tests of a database that stalls.
/// Clusters still running when the test process exits (a crashed or aborted run) are stopped then.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string SuperUser = "postgres";

    private const int PortAttempts = 5;
    private const int LogLinesInErrors = 30;

    /// <summary>A socket path longer than this does not fit in sockaddr_un (108 bytes with the NUL).</summary>
    private const int MaxUnixSocketPathLength = 100;

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _disposed;
    private bool _frozen;

    private PostgresServer(PostgresInstallation installation, string directory)
    {
        Installation = installation;
        ClusterDirectory = directory;
        DataDirectory = Path.Combine(directory, "data");
        LogFile = Path.Combine(directory, "server.log");
    }

    /// <summary>The loopback TCP port the server listens on (kept across <see cref="StartAgainAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The cluster's own temporary folder: <see cref="DataDirectory"/> and <see cref="LogFile"/>.</summary>
    public string ClusterDirectory { get; }

    public string DataDirectory { get; }

    /// <summary>Everything the server wrote; its last lines are in the message when a start fails.</summary>
    public string LogFile { get; }

    public bool IsRunning { get; private set; }

    internal PostgresInstallation Installation { get; }

    /// <summary>A server's pid file exists from its start until it has stopped.</summary>
    internal bool MayBeRunning => File.Exists(Path.Combine(DataDirectory, "postmaster.pid"));

    /// <summary>Creates a new cluster in a temporary folder and starts it: about a second, most of it initdb.</summary>
    public static async Task<PostgresServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var installation = PostgresInstallation.Find();
        var directory = Path.Combine(Path.GetTempPath(), "vigil-tests", $"pg-{Guid.NewGuid():N}"[..15]);
        Directory.CreateDirectory(directory);
        var server = new PostgresServer(installation, directory);
        LeftoverClusters.Track(server);
        try
        {
            await PostgresInstallation.PrepareDirectoryAsync(directory, cancellationToken);
            await server.InitializeAsync(cancellationToken);
            await server.StartOnFreePortAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A pooled connection string to <paramref name="database"/> as the superuser, with a short connect timeout.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = SuperUser,
        Database = database,
        Pooling = true,
        Timeout = 5,
        // Many tests each get a database: let idle pooled connections go soon so that they do not
        // add up to max_connections.
        ConnectionIdleLifetime = 10,
        ConnectionPruningInterval = 2,
        IncludeErrorDetail = true,
    }.ConnectionString;

    /// <summary>Creates a fresh, empty database (a unique name unless one is given) and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= $"vigil_{Guid.NewGuid():N}";
        if (name.Length is 0 or > 63)
        {
            throw new ArgumentException($"A PostgreSQL database name has 1 to 63 characters: '{name}'.", nameof(name));
        }

        await using var connection = new NpgsqlConnection(ConnectionStringFor("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionStringFor(name);
    }

    /// <summary>Shuts the server down (fast: open sessions are ended) and drops pooled connections.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var stop = await Installation.PgCtlAsync(["stop", "-D", DataDirectory, "-m", "fast", "-w", "-t", "60"], ClusterDirectory, cancellationToken);
            if (stop.ExitCode != 0)
            {
                throw new InvalidOperationException($"pg_ctl stop failed for the PostgreSQL test server on port {Port}: {stop.Output}{LogTail()}");
            }

            IsRunning = false;
            NpgsqlConnection.ClearAllPools();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Starts the stopped server again: same data, same port.</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                throw new InvalidOperationException($"The PostgreSQL test server on port {Port} is already running.");
            }

            var start = await TryStartAsync(cancellationToken);
            if (!start.Started)
            {
                throw StartFailure(start, start.PortTaken ? $"Port {Port} was taken while the server was stopped." : null);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops (SIGSTOP) the server and every process it started, as a hung host or a stalled disk
    /// would: connections are still accepted by the kernel and open sessions stay open, but nothing
    /// answers until <see cref="Thaw"/>. Linux only.
    /// </summary>
    public void Freeze()
    {
        Signal("STOP");
        _frozen = true;
    }

    /// <summary>Lets a frozen server go on (SIGCONT) where it stopped.</summary>
    public void Thaw()
    {
        Signal("CONT");
        _frozen = false;
    }

    /// <summary>Stops the server at once and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (_frozen)
            {
                Thaw();
            }

            if (MayBeRunning)
            {
                await Installation.PgCtlAsync(["stop", "-D", DataDirectory, "-m", "immediate", "-w", "-t", "30"], ClusterDirectory, CancellationToken.None);
                NpgsqlConnection.ClearAllPools();
            }

            IsRunning = false;
            LeftoverClusters.Forget(this);
            DeleteDirectory();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Sends the signal to the postmaster and its children (the backends and the server's own workers).</summary>
    private void Signal(string signal)
    {
        var postmaster = int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
        var processes = new List<string> { $"{postmaster}" };
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces and parentheses.
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields.Length > 1 && fields[1] == $"{postmaster}")
            {
                processes.Add(Path.GetFileName(directory));
            }
        }

        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", .. processes])
            ?? throw new InvalidOperationException($"kill -{signal} could not be started for the PostgreSQL test server on port {Port}.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {string.Join(' ', processes)} failed (exit code {kill.ExitCode}) for the PostgreSQL test server on port {Port}.");
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var initDb = await Installation.InitDbAsync(
            ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync", "--no-instructions"],
            ClusterDirectory,
            cancellationToken);
        if (initDb.ExitCode != 0)
        {
            throw new InvalidOperationException($"initdb failed (exit code {initDb.ExitCode}) in {DataDirectory}: {initDb.Output}");
        }

        var socketDirectory = Path.Combine(DataDirectory, ".s.PGSQL.65535").Length <= MaxUnixSocketPathLength ? DataDirectory : "";
        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Vigil.TestSupport.PostgresServer: a throwaway test cluster, loopback only, durability off.")
            .AppendLine("listen_addresses = '127.0.0.1'")
            .AppendLine(CultureInfo.InvariantCulture, $"unix_socket_directories = '{socketDirectory.Replace("'", "''", StringComparison.Ordinal)}'")
            .AppendLine("fsync = off")
            .AppendLine("synchronous_commit = off")
            .AppendLine("full_page_writes = off")
            .AppendLine("max_connections = 200");
        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken);
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var start = await TryStartAsync(cancellationToken);
            if (start.Started)
            {
                return;
            }

            // Another process may have bound the port between choosing it and the server binding it.
            if (!start.PortTaken || attempt == PortAttempts)
            {
                throw StartFailure(start, null);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<StartAttempt> TryStartAsync(CancellationToken cancellationToken)
    {
        var logStart = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        var pgCtl = await Installation.PgCtlAsync(
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60", "-o", $"-p {Port}"],
            ClusterDirectory,
            cancellationToken);
        var log = ReadLogFrom(logStart);
        if (pgCtl.ExitCode == 0)
        {
            IsRunning = true;
            return new StartAttempt(true, false, pgCtl.Output, log);
        }

        if (MayBeRunning)
        {
            // Timed out while starting: do not leave a half-started server behind.
            await Installation.PgCtlAsync(["stop", "-D", DataDirectory, "-m", "immediate", "-w"], ClusterDirectory, CancellationToken.None);
        }

        var portTaken = log.Contains("could not bind", StringComparison.Ordinal) || log.Contains("Address already in use", StringComparison.Ordinal);
        return new StartAttempt(false, portTaken, pgCtl.Output, log);
    }

    private InvalidOperationException StartFailure(StartAttempt start, string? reason) => new(
        $"The PostgreSQL test server in {DataDirectory} did not start on port {Port}. {reason}{Environment.NewLine}" +
        $"pg_ctl: {start.PgCtlOutput}{Environment.NewLine}" +
        $"Last lines of {LogFile}:{Environment.NewLine}{LastLines(start.Log)}");

    private string LogTail() => $"{Environment.NewLine}Last lines of {LogFile}:{Environment.NewLine}{LastLines(ReadLogFrom(0))}";

    private static string LastLines(string text) =>
        string.Join(Environment.NewLine, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(LogLinesInErrors));

    private string ReadLogFrom(long offset)
    {
        try
        {
            using var log = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            log.Seek(Math.Min(offset, log.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(log);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "";
        }
    }

    internal void DeleteDirectory()
    {
        try
        {
            Directory.Delete(ClusterDirectory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the test run's temporary folder cleanup.
        }
    }

    private sealed record StartAttempt(bool Started, bool PortTaken, string PgCtlOutput, string Log);
}

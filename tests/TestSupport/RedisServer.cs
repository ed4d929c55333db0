using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.TestSupport;

/// <summary>
/// A throwaway Redis server for tests: <c>redis-server</c> in a fresh temporary folder, on a free
/// port of 127.0.0.1 only, protected mode on and persistence off (no snapshots, no append-only file).
/// <see cref="StopAsync"/> and <see cref="StartAgainAsync"/> take the server away and bring it back on
/// the same port, for tests of a Redis that goes away; <see cref="Pause"/> and <see cref="Resume"/>
/// make it hang and go on, for tests of a Redis that stalls. The test process owns the server:
/// servers still running when it exits are killed then, and those of a test process that is gone (a
/// crashed or killed run) are killed by the next start.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    public const string NotInstalledMessage =
        "redis-server is not installed: run ./test.sh (it installs it) or apt-get install redis-server";

    private const string Program = "redis-server";
    private const int PortAttempts = 5;
    private const int OutputLinesKept = 200;
    private const int OutputLinesInErrors = 30;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReadinessPingTimeout = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string _executable;
    private Process? _process;
    private bool _paused;
    private bool _disposed;

    private RedisServer(string executable, string directory)
    {
        _executable = executable;
        ServerDirectory = directory;
    }

    /// <summary>The loopback TCP port the server listens on (kept across <see cref="StartAgainAsync"/>).</summary>
    public int Port { get; private set; }

    /// <summary>The StackExchange.Redis configuration string of the server: <c>127.0.0.1:PORT</c>.</summary>
    public string Configuration => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    /// <summary>The server's own temporary folder (its working directory); deleted on dispose.</summary>
    public string ServerDirectory { get; }

    /// <summary>The last lines the server wrote (its log goes to standard output); they are in the message when a start fails.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server in a new temporary folder on a free loopback port and waits until it answers PING.</summary>
    public static async Task<RedisServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var executable = FindExecutable();
        LeftoverRedisServers.KillThoseOfEndedTestProcesses();
        var directory = Path.Combine(Path.GetTempPath(), "vigil-tests", LeftoverRedisServers.FolderNameForThisProcess());
        Directory.CreateDirectory(directory);
        var server = new RedisServer(executable, directory);
        LeftoverRedisServers.Track(server);
        try
        {
            await server.StartOnFreePortAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends PING to the server on a new connection: see <see cref="RedisPing.SendAsync"/>.</summary>
    public Task<RedisPingOutcome> PingAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        RedisPing.SendAsync(Port, timeout, cancellationToken);

    /// <summary>Shuts the server down (SIGTERM, as a service manager would; it saves nothing) and waits until its port is free.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            var process = RunningProcess();
            if (_paused)
            {
                Signal("CONT");
                _paused = false;
            }

            Signal("TERM");
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StopTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
                throw new InvalidOperationException(
                    $"The Redis test server on port {Port} did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM and was killed.{OutputTail()}");
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Starts the stopped server again on the same port (empty: nothing was persisted).</summary>
    public async Task StartAgainAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (IsRunning)
            {
                throw new InvalidOperationException($"The Redis test server on port {Port} is already running.");
            }

            var start = await TryStartAsync(cancellationToken);
            if (start is not StartAttempt.Started)
            {
                throw StartFailure(start, start == StartAttempt.PortTaken ? $"Port {Port} was taken while the server was stopped." : null);
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>
    /// Stops (SIGSTOP) the server, as a hung host would: connections are still accepted by the
    /// kernel and open ones stay open, but nothing answers until <see cref="Resume"/>. Linux only.
    /// </summary>
    public void Pause()
    {
        RunningProcess();
        Signal("STOP");
        _paused = true;
    }

    /// <summary>Lets a paused server go on (SIGCONT) where it stopped: what it was sent meanwhile is answered.</summary>
    public void Resume()
    {
        RunningProcess();
        Signal("CONT");
        _paused = false;
    }

    /// <summary>Kills the server at once and deletes its folder.</summary>
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
            if (_process is not null)
            {
                // SIGKILL ends a paused process too.
                Kill();
                await _process.WaitForExitAsync(CancellationToken.None);
                _process.Dispose();
                _process = null;
            }

            _paused = false;
            LeftoverRedisServers.Forget(this);
            DeleteDirectory();
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    /// <summary>Kills the server's process if it runs; for the end of the test run, where no await is possible.</summary>
    internal void Kill()
    {
        try
        {
            _process?.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    internal void DeleteDirectory()
    {
        try
        {
            Directory.Delete(ServerDirectory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Left for the test run's temporary folder cleanup.
        }
    }

    private static string FindExecutable()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Select(directory => Path.Combine(directory, Program)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(NotInstalledMessage);
    }

    private async Task StartOnFreePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Port = FreeLoopbackPort();
            var start = await TryStartAsync(cancellationToken);
            if (start == StartAttempt.Started)
            {
                return;
            }

            // Another process may have bound the port between choosing it and the server binding it.
            if (start != StartAttempt.PortTaken || attempt == PortAttempts)
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
        _process?.Dispose();
        _output.Clear();
        var start = new ProcessStartInfo(_executable)
        {
            WorkingDirectory = ServerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--save", "",
            "--appendonly", "no",
            "--dir", ServerDirectory,
            // In the foreground, the test process's own child; its log goes to standard output.
            "--daemonize", "no",
            // Keeps the command line (and so the folder) visible to the leftover search: Redis
            // otherwise rewrites it to its address.
            "--set-proc-title", "no",
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Keep(line.Data);
        process.ErrorDataReceived += (_, line) => Keep(line.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new InvalidOperationException(NotInstalledMessage, exception);
        }

        _process = process;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.HoldsAsync(
                async () => process.HasExited || await PingAsync(ReadinessPingTimeout, cancellationToken) == RedisPingOutcome.Pong,
                $"the Redis test server on port {Port} answers PING",
                StartTimeout);
        }
        catch (TimeoutException)
        {
            Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            return StartAttempt.NoAnswer;
        }
        catch (OperationCanceledException)
        {
            Kill();
            await process.WaitForExitAsync(CancellationToken.None);
            throw;
        }

        if (!process.HasExited)
        {
            return StartAttempt.Started;
        }

        // The output is complete once the process has exited and its pipes are drained.
        await process.WaitForExitAsync(CancellationToken.None);
        return _output.Any(line => line.Contains("Address already in use", StringComparison.Ordinal))
            ? StartAttempt.PortTaken
            : StartAttempt.Exited;
    }

    private Process RunningProcess()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return IsRunning ? _process! : throw new InvalidOperationException($"The Redis test server on port {Port} is not running.");
    }

    private void Signal(string signal)
    {
        var pid = _process!.Id.ToString(CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", [$"-{signal}", pid])
            ?? throw new InvalidOperationException($"kill -{signal} could not be started for the Redis test server on port {Port}.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} failed (exit code {kill.ExitCode}) for the Redis test server on port {Port}.");
        }
    }

    private InvalidOperationException StartFailure(StartAttempt start, string? reason)
    {
        var what = start == StartAttempt.NoAnswer
            ? $"It did not answer PING within {StartTimeout.TotalSeconds:0} s and was killed."
            : $"It exited with code {_process!.ExitCode}.";
        return new InvalidOperationException($"The Redis test server in {ServerDirectory} did not start on port {Port}. {what} {reason}{OutputTail()}");
    }

    private string OutputTail() =>
        $"{Environment.NewLine}Last lines of its output:{Environment.NewLine}{string.Join(Environment.NewLine, _output.TakeLast(OutputLinesInErrors))}";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept)
        {
            _output.TryDequeue(out _);
        }
    }

    private enum StartAttempt
    {
        Started,

        /// <summary>It exited because another process listens on the port.</summary>
        PortTaken,

        /// <summary>It exited for another reason (its output says which).</summary>
        Exited,

        /// <summary>It ran but did not answer PING in time.</summary>
        NoAnswer,
    }
}

using System.Diagnostics;

namespace Vigil.TestSupport;

/// <summary>
/// The PostgreSQL server programs on this machine (<c>initdb</c>, <c>pg_ctl</c>) and how to run them.
/// Found on PATH first, then in Debian's <c>/usr/lib/postgresql/VERSION/bin</c> (highest version).
/// When the tests run as root they run as the <c>postgres</c> OS user, because initdb and the server
/// refuse to run as root.
/// </summary>
internal sealed class PostgresInstallation
{
    public const string NotFoundMessage =
        "PostgreSQL server binaries not found (initdb/pg_ctl). Run ./test.sh, which installs them, or apt-get install postgresql.";

    /// <summary>The OS user that owns clusters when the tests run as root (created by Debian's package).</summary>
    public const string ServiceUser = "postgres";

    private const string DebianInstallations = "/usr/lib/postgresql";

    private static readonly string ExecutableSuffix = OperatingSystem.IsWindows() ? ".exe" : "";

    private PostgresInstallation(string binDirectory) => BinDirectory = binDirectory;

    public string BinDirectory { get; }

    /// <summary>True when running as root: the programs then run as <see cref="ServiceUser"/>.</summary>
    public static bool RunsAsServiceUser => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    public static PostgresInstallation Find()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in path.Concat(DebianBinDirectories()))
        {
            var initDb = Path.Combine(directory, "initdb" + ExecutableSuffix);
            var pgCtl = Path.Combine(directory, "pg_ctl" + ExecutableSuffix);
            if (File.Exists(initDb) && File.Exists(pgCtl))
            {
                // /usr/local/bin may hold links; pg_ctl looks for postgres beside its real file.
                var real = File.ResolveLinkTarget(pgCtl, returnFinalTarget: true)?.FullName ?? pgCtl;
                return new PostgresInstallation(Path.GetDirectoryName(real)!);
            }
        }

        throw new InvalidOperationException(NotFoundMessage);
    }

    public Task<CommandResult> InitDbAsync(IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        RunAsync("initdb", arguments, workingDirectory, cancellationToken);

    public Task<CommandResult> PgCtlAsync(IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        RunAsync("pg_ctl", arguments, workingDirectory, cancellationToken);

    /// <summary>Starts pg_ctl without waiting for it: for the end of the test run, where no await is possible.</summary>
    public Process StartPgCtl(IEnumerable<string> arguments, string workingDirectory)
    {
        // Its few lines of output are not read: the pipe holds them.
        var process = new Process { StartInfo = StartInfo("pg_ctl", arguments, workingDirectory) };
        process.StartInfo.RedirectStandardOutput = true;
        process.StartInfo.RedirectStandardError = true;
        process.Start();
        return process;
    }

    /// <summary>
    /// Makes <paramref name="directory"/> usable by the server: when running as root, hands it to
    /// <see cref="ServiceUser"/> and checks that the user can reach it through its parents.
    /// </summary>
    public static async Task PrepareDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || !RunsAsServiceUser)
        {
            return;
        }

        for (var parent = Directory.GetParent(directory); parent is not null; parent = parent.Parent)
        {
            if (!File.GetUnixFileMode(parent.FullName).HasFlag(UnixFileMode.OtherExecute))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL runs as the '{ServiceUser}' user and cannot reach {directory}: {parent.FullName} is not searchable by others. " +
                    $"Run 'chmod o+x {parent.FullName}' or point TMPDIR at a folder others can reach.");
            }
        }

        var chown = await RunProcessAsync(new ProcessStartInfo("chown") { ArgumentList = { ServiceUser, directory } }, cancellationToken);
        if (chown.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"Could not give {directory} to the '{ServiceUser}' user (does the user exist? apt-get install postgresql creates it): {chown.Output}");
        }
    }

    private static IEnumerable<string> DebianBinDirectories()
    {
        if (!Directory.Exists(DebianInstallations))
        {
            return [];
        }

        return Directory.GetDirectories(DebianInstallations)
            .Select(directory => (Directory: directory, Version: ParseVersion(Path.GetFileName(directory))))
            .Where(installation => installation.Version is not null)
            .OrderByDescending(installation => installation.Version)
            .Select(installation => Path.Combine(installation.Directory, "bin"));
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private async Task<CommandResult> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        await RunProcessAsync(StartInfo(program, arguments, workingDirectory), cancellationToken);

    private ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string workingDirectory)
    {
        var executable = Path.Combine(BinDirectory, program + ExecutableSuffix);
        var start = new ProcessStartInfo(RunsAsServiceUser ? "runuser" : executable)
        {
            // The server's own user must be able to enter it (it cannot enter root's home).
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        if (RunsAsServiceUser)
        {
            foreach (var argument in new[] { "-u", ServiceUser, "--", executable })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Messages in English whatever the machine's locale, so that failures read the same everywhere.
        start.Environment["LC_MESSAGES"] = "C";
        return start;
    }

    private static async Task<CommandResult> RunProcessAsync(ProcessStartInfo start, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var text = string.Join(Environment.NewLine, new[] { await output, await error }.Where(part => part.Length > 0));
        return new CommandResult(process.ExitCode, text.Trim());
    }
}

/// <summary>How a program ended: its exit code and everything it wrote.</summary>
internal sealed record CommandResult(int ExitCode, string Output);

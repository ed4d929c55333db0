using Vigil.Agent.Storage;

namespace Vigil.Agent.Installation;

/// <summary>
/// The steps the agent's Windows installer (deploy/msi) runs with the agent executable itself, as
/// deferred custom actions, so that the installer needs no code of its own:
/// <c>configure --file F --data D --install I --url U --token T</c> writes <c>agent.json</c> and gives
/// the folders owner-only permissions; <c>remove-data --data D</c> deletes the data folder
/// (uninstall with REMOVEDATA=1); <c>wait-for-exit</c> waits until the stopped service's process has
/// ended, before its files are replaced or removed. A non-zero exit code fails the installation, which then rolls back.
/// </summary>
public static class InstallerCommands
{
    private const string Configure = "configure";
    private const string RemoveData = "remove-data";
    private const string WaitForExit = "wait-for-exit";
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The exit code of the installer step <paramref name="args"/> names, or null when they name none (the agent runs).</summary>
    public static int? Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is not (Configure or RemoveData or WaitForExit))
        {
            return null;
        }

        if (args[0] == WaitForExit)
        {
            if (!AgentProcessExit.WaitAsync(ExitTimeout).GetAwaiter().GetResult())
            {
                error.WriteLine($"The agent's process did not end within {ExitTimeout.TotalSeconds} s of its service being stopped.");
            }

            return 0;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 == args.Length)
            {
                error.WriteLine($"{args[0]}: expected --name value pairs, got '{args[i]}'.");
                return 2;
            }

            values[args[i][2..]] = args[i + 1];
        }

        // The installer passes "[DATAFOLDER]." so that the folder's closing backslash does not escape the quote.
        var given = Value(values, "data");
        if (given.Length == 0 || !Path.IsPathFullyQualified(given))
        {
            error.WriteLine($"{args[0]}: --data must be the full path of the agent's data folder (DATAFOLDER), was '{given}'.");
            return 2;
        }

        var data = Path.TrimEndingDirectorySeparator(Path.GetFullPath(given));
        return args[0] == Configure ? WriteConfiguration(values, data, output, error) : DeleteData(data, output, error);
    }

    private static int WriteConfiguration(Dictionary<string, string> values, string data, TextWriter output, TextWriter error)
    {
        var file = Value(values, "file") is { Length: > 0 } given ? given : Path.Combine(data, "agent.json");
        var (content, errors) = InstalledConfiguration.Merge(File.Exists(file) ? File.ReadAllText(file) : null, Value(values, "url"), Value(values, "token"), data);
        if (content is null)
        {
            foreach (var reason in errors)
            {
                error.WriteLine(reason);
            }

            return 1;
        }

        OwnerOnlyFolder.Create(data);
        if (Value(values, "install") is { Length: > 0 } install)
        {
            OwnerOnlyFolder.Create(Path.GetFullPath(install));
        }

        DurableFile.WriteOwnerOnly(file, content);
        output.WriteLine($"Wrote {file}.");
        return 0;
    }

    /// <summary>Deletes the data folder, only when it is one: it holds the agent's configuration or node id.</summary>
    private static int DeleteData(string data, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(data))
        {
            return 0;
        }

        if (!File.Exists(Path.Combine(data, "agent.json")) && !File.Exists(Path.Combine(data, Identity.NodeIdentity.FileName)))
        {
            error.WriteLine($"Kept {data}: it holds no agent.json and no node id, so it is not an agent's data folder.");
            return 0;
        }

        Directory.Delete(data, recursive: true);
        output.WriteLine($"Deleted {data}.");
        return 0;
    }

    private static string Value(Dictionary<string, string> values, string name) => values.TryGetValue(name, out var value) ? value.Trim() : "";
}

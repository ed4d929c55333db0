using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// Reads an NSSM-wrapped service from a registry export of its service key (<c>reg export
/// HKLM\SYSTEM\CurrentControlSet\Services\&lt;name&gt; file.reg</c>, which includes its
/// <c>Parameters</c>) as a Vigil <c>process</c> service: the application, its parameters, folder,
/// environment, output folder and rotation by size, console stop timeout, restart delay and exit
/// action. What has no counterpart in Vigil is listed, never silently dropped. Pure: nothing is stored.
/// </summary>
public static class NssmDefinition
{
    /// <summary>Parameters read into the definition.</summary>
    private static readonly HashSet<string> Read = new(StringComparer.OrdinalIgnoreCase)
    {
        "Application", "AppParameters", "AppDirectory", "AppEnvironment", "AppEnvironmentExtra", "AppStdout", "AppStderr",
        "AppRotateFiles", "AppRotateBytes", "AppStopMethodConsole", "AppRestartDelay", "AppStdoutCreationDisposition",
        "AppStderrCreationDisposition", "AppRotateOnline",
    };

    private static readonly Dictionary<string, string> LeftOut = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AppPriority"] = "the process priority",
        ["AppAffinity"] = "the CPU affinity",
        ["AppNoConsole"] = "the console setting: the agent gives each process a console of its own",
        ["AppThrottle"] = "the throttle: the agent's restart policy decides the delays",
        ["AppRotateSeconds"] = "rotation by age: the agent rotates by size",
        ["AppRotateBytesHigh"] = "rotation sizes of 4 GiB and more",
        ["AppStopMethodSkip"] = "skipped stop methods: the agent sends Ctrl+C, then kills the process tree",
        ["AppStopMethodWindow"] = "the window-message stop: the agent sends Ctrl+C, then kills the process tree",
        ["AppStopMethodThreads"] = "the thread-message stop: the agent sends Ctrl+C, then kills the process tree",
        ["AppKillProcessTree"] = "the process-tree setting: the agent always stops the whole tree",
        ["AppStdin"] = "standard input: the agent gives processes an empty one",
        ["AppEvents"] = "event hooks",
        ["AppRedirectHook"] = "the redirect hook",
        ["AppTimestampLog"] = "timestamps in the output",
    };

    /// <exception cref="ServiceImportException">The export is not of an NSSM service Vigil can read; the message says why.</exception>
    public static ImportedService Parse(string export)
    {
        var keys = RegFile.Parse(export);
        var parametersKey = keys.Keys.FirstOrDefault(k => k.EndsWith(@"\Parameters", StringComparison.OrdinalIgnoreCase))
            ?? throw new ServiceImportException(@"The export has no Parameters key: export the service's key, e.g. reg export HKLM\SYSTEM\CurrentControlSet\Services\<name> <name>.reg.");
        var serviceKey = parametersKey[..^@"\Parameters".Length];
        var parameters = keys[parametersKey];
        var notes = new List<string>();
        var application = Text(parameters, "Application") is { Length: > 0 } given
            ? given
            : throw new ServiceImportException("The Parameters key has no Application: this is not a service NSSM wraps.");
        VariableReferences.NoteNotExpanded(application, "Application", notes);
        var defaults = new ManagedServiceDefinition();
        var service = new ManagedServiceDefinition
        {
            Name = ServiceNames.From(serviceKey[(serviceKey.LastIndexOf('\\') + 1)..]),
            Kind = ServiceKinds.Process,
            Executable = application,
            Arguments = Text(parameters, "AppParameters") is { } arguments ? [.. CommandLineArguments.Split(arguments)] : [],
            WorkingDirectory = Text(parameters, "AppDirectory"),
            Environment = Environment(parameters, notes),
            StopTimeout = Number(parameters, "AppStopMethodConsole") is { } stop ? TimeSpan.FromMilliseconds(stop) : defaults.StopTimeout,
            Logs = Logs(parameters, notes),
            Restart = Restart(keys, parametersKey, parameters, notes),
        };

        if (keys.TryGetValue(serviceKey, out var serviceValues) && Text(serviceValues, "ObjectName") is { } account && !account.Equals("LocalSystem", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add($"The service runs as {account}: Vigil's process services run as the agent's account.");
        }

        foreach (var (name, value) in parameters)
        {
            if (LeftOut.TryGetValue(name, out var why))
            {
                notes.Add($"{name} is not carried over: {why}.");
            }
            else if (!Read.Contains(name))
            {
                notes.Add($"{name} is not an NSSM parameter Vigil knows; it is not carried over.");
            }
            else if (value is UnsupportedValue unsupported)
            {
                notes.Add($"{name} is a {unsupported.Type} value, which is not read.");
            }
        }

        notes.AddRange(keys.Keys
            .Where(k => k.StartsWith(parametersKey + @"\", StringComparison.OrdinalIgnoreCase) && !k.EndsWith(@"\AppExit", StringComparison.OrdinalIgnoreCase))
            .Select(k => $"{k[(parametersKey.Length + 1)..]} is not carried over: {(k.Contains("AppEvents", StringComparison.OrdinalIgnoreCase) ? "event hooks" : "not an NSSM setting Vigil reads")}."));
        return new ImportedService(service, notes);
    }

    private static string? Text(IReadOnlyDictionary<string, object> values, string name) => values.TryGetValue(name, out var value) ? value as string : null;

    private static long? Number(IReadOnlyDictionary<string, object> values, string name) => values.TryGetValue(name, out var value) ? value as long? : null;

    /// <summary>AppEnvironmentExtra adds to the agent's environment, as Vigil does; AppEnvironment replaces it, which Vigil does not.</summary>
    private static Dictionary<string, string> Environment(IReadOnlyDictionary<string, object> parameters, List<string> notes)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "AppEnvironment", "AppEnvironmentExtra" })
        {
            if (!parameters.TryGetValue(name, out var value) || value is not List<string> variables)
            {
                continue;
            }

            if (name == "AppEnvironment")
            {
                notes.Add("AppEnvironment replaces the whole environment under NSSM; its variables are added to the agent's environment instead.");
            }

            foreach (var variable in variables.Where(v => v.IndexOf('=', StringComparison.Ordinal) > 0))
            {
                var split = variable.IndexOf('=', StringComparison.Ordinal);
                environment[variable[..split]] = variable[(split + 1)..];
            }
        }

        return environment;
    }

    /// <summary>The folder of AppStdout (or AppStderr): the agent writes stdout.log and stderr.log there.</summary>
    private static ServiceLogSettings Logs(IReadOnlyDictionary<string, object> parameters, List<string> notes)
    {
        var defaults = new ServiceLogSettings();
        var output = Text(parameters, "AppStdout") ?? Text(parameters, "AppStderr");
        var directory = output is null ? null : Path.GetDirectoryName(output.Replace('\\', '/'))?.Replace('/', '\\');
        if (output is not null)
        {
            notes.Add($"The output goes to stdout.log and stderr.log in {directory}, not to {output}.");
            VariableReferences.NoteNotExpanded(directory ?? "", "the output folder", notes);
        }

        var rotates = Number(parameters, "AppRotateFiles") is > 0;
        return rotates && Number(parameters, "AppRotateBytes") is > 0 and var bytes
            ? new ServiceLogSettings { Directory = directory, MaxFileBytes = bytes, MaxFiles = defaults.MaxFiles }
            : defaults with { Directory = directory };
    }

    /// <summary>AppExit's default action: Restart (NSSM's default) keeps the agent's restarts; Ignore or Exit turns them off.</summary>
    private static RestartSettings Restart(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> keys, string parametersKey, IReadOnlyDictionary<string, object> parameters, List<string> notes)
    {
        var delay = Number(parameters, "AppRestartDelay") is { } milliseconds ? TimeSpan.FromMilliseconds(milliseconds) : (TimeSpan?)null;
        if (!keys.TryGetValue(parametersKey + @"\AppExit", out var exit))
        {
            return new RestartSettings { InitialDelay = delay };
        }

        if (exit.Keys.Any(code => code.Length > 0))
        {
            notes.Add("Actions for particular exit codes (AppExit) are not carried over: the agent treats every exit alike.");
        }

        var action = Text(exit, "") ?? "Restart";
        if (action.Equals("Restart", StringComparison.OrdinalIgnoreCase))
        {
            return new RestartSettings { Enabled = true, InitialDelay = delay };
        }

        notes.Add($"AppExit {action}: the agent does not restart the service by itself.");
        return new RestartSettings { Enabled = false, InitialDelay = delay };
    }
}

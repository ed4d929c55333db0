using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// Reads an NSSM-wrapped service from a registry export of its service key (<c>reg export
/// HKLM\SYSTEM\CurrentControlSet\Services\&lt;name&gt; file.reg</c>, which includes its
/// <c>Parameters</c>) as a Vigil <c>process</c> service: the application, its parameters, folder,
/// environment, output folder and rotation by size, console stop timeout, restart delay, exit
/// action, priority, processors, delayed start and the Start/Pre, Start/Post and Stop/Post hooks. What has no counterpart in Vigil is listed, never silently dropped. Pure: nothing is stored.
/// </summary>
public static class NssmDefinition
{
    /// <summary>Parameters read into the definition.</summary>
    private static readonly HashSet<string> Read = new(StringComparer.OrdinalIgnoreCase)
    {
        "Application", "AppParameters", "AppDirectory", "AppEnvironment", "AppEnvironmentExtra", "AppStdout", "AppStderr",
        "AppRotateFiles", "AppRotateBytes", "AppStopMethodConsole", "AppRestartDelay", "AppStdoutCreationDisposition",
        "AppStderrCreationDisposition", "AppRotateOnline", "AppPriority", "AppAffinity",
    };

    private static readonly Dictionary<string, string> LeftOut = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AppNoConsole"] = "the console setting: the agent gives each process a console of its own",
        ["AppThrottle"] = "the throttle: the agent's restart policy decides the delays",
        ["AppRotateSeconds"] = "the age a file must reach before NSSM rotates it at a start: the agent rotates by size while the service runs, and at midnight with Logs:RollDaily",
        ["AppRotateBytesHigh"] = "rotation sizes of 4 GiB and more",
        ["AppStopMethodSkip"] = "skipped stop methods: the agent sends Ctrl+C, then kills the process tree",
        ["AppStopMethodWindow"] = "the window-message stop: the agent sends Ctrl+C, then kills the process tree",
        ["AppStopMethodThreads"] = "the thread-message stop: the agent sends Ctrl+C, then kills the process tree",
        ["AppKillProcessTree"] = "the process-tree setting: the agent always stops the whole tree",
        ["AppStdin"] = "standard input: the agent gives processes an empty one",
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
        var stopPost = Hook(keys, parametersKey, "Stop", "Post", "PostStop", notes);
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
            Priority = Number(parameters, "AppPriority") is { } priority ? ImportedScheduling.Priority(priority, "AppPriority", notes) : null,
            Affinity = Text(parameters, "AppAffinity") is { Length: > 0 } affinity ? ImportedScheduling.Processors(affinity, "AppAffinity", notes) ?? [] : [],
            StartDelay = keys.TryGetValue(serviceKey, out var startValues) && Number(startValues, "DelayedAutostart") is 1 ? DelayedStart(notes) : TimeSpan.Zero,
            PreStart = Hook(keys, parametersKey, "Start", "Pre", "PreStart", notes),
            PostStart = Hook(keys, parametersKey, "Start", "Post", "PostStart", notes),
            PostStop = stopPost ?? Hook(keys, parametersKey, "Exit", "Post", "PostStop", notes),
        };

        if (keys.TryGetValue(serviceKey, out var serviceValues) && Text(serviceValues, "ObjectName") is { } account && !account.Equals("LocalSystem", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add($"The service runs as {account}: not carried over; set RunAs in the definition (an account with a password only in the node's own configuration, with the password protected by the agent's protect-password command).");
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

        notes.AddRange(keys
            .Where(k => k.Key.StartsWith(parametersKey + @"\", StringComparison.OrdinalIgnoreCase) && !k.Key.EndsWith(@"\AppExit", StringComparison.OrdinalIgnoreCase))
            .SelectMany(k => LeftOutSubkey(k.Key[(parametersKey.Length + 1)..], k.Value, exitPostCarried: stopPost is null)));
        return new ImportedService(service, notes);
    }

    /// <summary>
    /// An NSSM hook (<c>AppEvents\Start</c> value <c>Pre</c>, …), a whole command line: its first word is
    /// the program. NSSM's Exit/Post stands in for Stop/Post when only it is set: the agent's PostStop
    /// runs after every end of the service.
    /// </summary>
    private static LifecycleHook? Hook(
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> keys, string parametersKey, string hookEvent, string action, string hook, List<string> notes)
    {
        if (!keys.TryGetValue($@"{parametersKey}\AppEvents\{hookEvent}", out var values) || Text(values, action) is not { Length: > 0 } command)
        {
            return null;
        }

        var words = CommandLineArguments.Split(command);
        if (words.Count == 0)
        {
            return null;
        }

        VariableReferences.NoteNotExpanded(words[0], $"AppEvents {hookEvent}/{action}", notes);
        notes.Add(hookEvent == "Start" && action == "Pre"
            ? "AppEvents Start/Pre becomes PreStart: any exit code other than 0 fails the start (NSSM stopped it only on exit code 99); the hook is killed after 30 s unless its Timeout says otherwise, and gets VIGIL_SERVICE and VIGIL_HOOK rather than NSSM's variables."
            : $"AppEvents {hookEvent}/{action} becomes {hook}: it is killed after 30 s unless its Timeout says otherwise, and gets VIGIL_SERVICE and VIGIL_HOOK rather than NSSM's variables.");
        return new LifecycleHook { Executable = words[0], Arguments = [.. words.Skip(1)] };
    }

    /// <summary>What a subkey of Parameters holds that is not carried over: hooks Vigil has no counterpart for, or settings it does not read.</summary>
    private static IEnumerable<string> LeftOutSubkey(string subkey, IReadOnlyDictionary<string, object> values, bool exitPostCarried)
    {
        if (!subkey.StartsWith(@"AppEvents\", StringComparison.OrdinalIgnoreCase))
        {
            return [$"{subkey} is not carried over: not an NSSM setting Vigil reads."];
        }

        var hookEvent = subkey[@"AppEvents\".Length..];
        return values.Keys
            .Where(action => (hookEvent, action) switch
            {
                ("Start", "Pre" or "Post") or ("Stop", "Post") => false,
                ("Exit", "Post") => !exitPostCarried,
                _ => true,
            })
            .Select(action => $"AppEvents {hookEvent}/{action} is not carried over: the agent runs PreStart, PostStart and PostStop hooks only{(hookEvent == "Exit" ? " (its PostStop, run after every end of the service, is Stop/Post here)" : "")}.");
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
        if (rotates)
        {
            notes.Add("AppRotateFiles: NSSM rotated the output when the service started and kept every rotated file; the agent rotates it by size while the service runs and keeps 5 (Logs:MaxFiles).");
        }

        return rotates && Number(parameters, "AppRotateBytes") is > 0 and var bytes
            ? new ServiceLogSettings { Directory = directory, MaxFileBytes = bytes, MaxFiles = defaults.MaxFiles }
            : defaults with { Directory = directory };
    }

    private static TimeSpan DelayedStart(List<string> notes)
    {
        notes.Add($"The delayed automatic start becomes StartDelay {ImportedScheduling.DelayedAutoStart}: the first start waits until the machine has been up that long, about when Windows starts delayed services.");
        return ImportedScheduling.DelayedAutoStart;
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

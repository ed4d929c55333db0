using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// Reads a WinSW service definition (its XML file) as a Vigil <c>process</c> service: the executable,
/// its arguments, working directory, environment, log rotation by size and by day, stop timeout,
/// restart delays, priority, delayed start and the pre-start, post-start and post-stop hooks. What has no counterpart in Vigil is listed in <see cref="ImportedService.NotCarriedOver"/>,
/// never silently dropped. Pure: nothing is stored or sent.
/// </summary>
public static partial class WinSwDefinition
{
    /// <summary>Elements read into the definition.</summary>
    private static readonly HashSet<string> Read = new(StringComparer.OrdinalIgnoreCase)
    {
        "id", "name", "description", "executable", "arguments", "startarguments", "workingdirectory", "env", "logpath", "log",
        "logmode", "stoptimeout", "onfailure", "resetfailure", "priority", "delayedAutoStart", "prestart", "poststart", "poststop",
    };

    /// <summary>Where WinSW 3 sends a hook's output; the agent's hooks write to their own log.</summary>
    private static readonly string[] HookOutputs = ["stdoutPath", "stderrPath"];

    /// <summary>WinSW's zipping of rolled files, which the agent does not do.</summary>
    private static readonly string[] Zipping = ["zipOlderThanNumDays", "zipDateFormat"];

    /// <summary>Why the elements Vigil does not carry over are left out.</summary>
    private static readonly Dictionary<string, string> LeftOut = new(StringComparer.OrdinalIgnoreCase)
    {
        ["serviceaccount"] = "the service account: not carried over; set RunAs in the definition (an account with a password only in the node's own configuration, with the password protected by the agent's protect-password command)",
        ["depend"] = "service dependencies: put dependent services in the order the agent starts them, or in one failover group",
        ["startmode"] = "the start mode: the agent starts the services it manages",
        ["prestop"] = "the pre-stop hook: the agent runs PreStart, PostStart and PostStop hooks only",
        ["stopexecutable"] = "a separate stop program: the agent stops a process with Ctrl+C, then kills its tree after the stop timeout",
        ["stoparguments"] = "a separate stop program's arguments",
        ["stopparentprocessfirst"] = "the order of the stop: the agent stops the process, then its tree",
        ["download"] = "downloads at start",
        ["interactive"] = "interactive mode",
        ["hidewindow"] = "the window setting: process services have no window",
        ["beeponshutdown"] = "the beep on shutdown",
        ["sharedDirectoryMapping"] = "shared directory mappings",
        ["securityDescriptor"] = "the service's security descriptor",
        ["extensions"] = "WinSW extensions",
        ["waithint"] = "the wait hint",
        ["sleeptime"] = "the sleep time",
        ["preshutdown"] = "the pre-shutdown notification",
        ["preshutdownTimeout"] = "the pre-shutdown timeout",
        ["autoRefresh"] = "the automatic refresh of the service's settings",
    };

    /// <summary>Reads <paramref name="xml"/>; <paramref name="baseDirectory"/> stands for WinSW's <c>%BASE%</c> (the wrapper's folder).</summary>
    /// <exception cref="ServiceImportException">The text is not a WinSW definition Vigil can read; the message says why.</exception>
    public static ImportedService Parse(string xml, string? baseDirectory)
    {
        var root = Load(xml).Root!;
        if (!root.Name.LocalName.Equals("service", StringComparison.OrdinalIgnoreCase))
        {
            throw new ServiceImportException($"A WinSW definition's root element is <service>, not <{root.Name.LocalName}>.");
        }

        var notes = new List<string>();
        var expand = (string text) => Expand(text, baseDirectory);
        var executable = Text(root, "executable") is { Length: > 0 } given ? expand(given) : throw new ServiceImportException("The definition has no <executable>.");
        VariableReferences.NoteNotExpanded(executable, "<executable>", notes);
        var arguments = Text(root, "startarguments") ?? Text(root, "arguments");
        var service = new ManagedServiceDefinition
        {
            Name = ServiceNames.From(Text(root, "id") ?? Path.GetFileNameWithoutExtension(executable)),
            Kind = ServiceKinds.Process,
            Executable = executable,
            Arguments = arguments is null ? [] : [.. CommandLineArguments.Split(expand(arguments))],
            WorkingDirectory = Text(root, "workingdirectory") is { } folder ? expand(folder) : null,
            Environment = Elements(root, "env")
                .Where(env => env.Attribute("name") is not null)
                .ToDictionary(env => env.Attribute("name")!.Value, env => expand(env.Attribute("value")?.Value ?? "")),
            StopTimeout = Text(root, "stoptimeout") is { } stop ? Duration(stop, "stoptimeout") : new ManagedServiceDefinition().StopTimeout,
            Logs = Logs(root, expand, notes),
            Restart = Restart(root, notes),
            Priority = Text(root, "priority") is { Length: > 0 } priority ? ImportedScheduling.Priority(priority, "<priority>", notes) : null,
            StartDelay = DelayedAutoStart(root, notes),
            PreStart = Hook(root, "prestart", expand, notes),
            PostStart = Hook(root, "poststart", expand, notes),
            PostStop = Hook(root, "poststop", expand, notes),
        };

        foreach (var element in root.Elements().Select(e => e.Name.LocalName).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (LeftOut.TryGetValue(element, out var why))
            {
                notes.Add($"<{element}> is not carried over: {why}.");
            }
            else if (!Read.Contains(element))
            {
                notes.Add($"<{element}> is not a WinSW setting Vigil knows; it is not carried over.");
            }
        }

        return new ImportedService(service, notes);
    }

    private static XDocument Load(string xml)
    {
        // No DTD, no external entities: the text comes from the network.
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 1_000_000 };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), settings);
            return XDocument.Load(reader);
        }
        catch (XmlException exception)
        {
            throw new ServiceImportException($"The text is not well-formed XML: {exception.Message}");
        }
    }

    private static IEnumerable<XElement> Elements(XElement parent, string name) =>
        parent.Elements().Where(e => e.Name.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase));

    private static string? Text(XElement parent, string name) => Elements(parent, name).FirstOrDefault()?.Value.Trim();

    /// <summary>
    /// WinSW's <c>%BASE%</c> becomes the given folder; other <c>%VAR%</c> references are kept as
    /// they are: WinSW expands them from the wrapper's environment, and the agent from its own when it
    /// launches the service (<see cref="VariableReferences"/>).
    /// </summary>
    private static string Expand(string text, string? baseDirectory)
    {
        if (text.Contains("%BASE%", StringComparison.OrdinalIgnoreCase))
        {
            if (baseDirectory is null)
            {
                throw new ServiceImportException("The definition uses %BASE% (the WinSW wrapper's folder): give baseDirectory, the folder the wrapper was installed in.");
            }

            text = BasePattern().Replace(text, baseDirectory.TrimEnd('\\', '/'));
        }

        return text;
    }

    /// <summary>A hook element (<c>&lt;executable&gt;</c> and <c>&lt;arguments&gt;</c>); its output goes to the agent's hook log.</summary>
    private static LifecycleHook? Hook(XElement root, string element, Func<string, string> expand, List<string> notes)
    {
        if (Elements(root, element).FirstOrDefault() is not { } hook)
        {
            return null;
        }

        var executable = Text(hook, "executable") is { Length: > 0 } given
            ? expand(given)
            : throw new ServiceImportException($"<{element}> has no <executable>.");
        VariableReferences.NoteNotExpanded(executable, $"<{element}> <executable>", notes);
        foreach (var output in HookOutputs.Where(name => Text(hook, name) is not null))
        {
            notes.Add($"<{element}> <{output}> is not carried over: a hook's output goes to {element}.log in the service's log folder.");
        }

        notes.Add($"<{element}> is killed after 30 s unless its Timeout says otherwise.");
        return ImportedScheduling.Hook(executable, Text(hook, "arguments") is { } arguments ? expand(arguments) : null);
    }

    /// <summary>&lt;delayedAutoStart/&gt; (or <c>true</c>): the agent's first start after boot waits as Windows' delayed start does.</summary>
    private static TimeSpan DelayedAutoStart(XElement root, List<string> notes)
    {
        if (Elements(root, "delayedAutoStart").FirstOrDefault() is not { } delayed
            || delayed.Value.Trim().Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return TimeSpan.Zero;
        }

        notes.Add($"<delayedAutoStart> becomes StartDelay {ImportedScheduling.DelayedAutoStart}: the first start waits until the machine has been up that long, about when Windows starts delayed services.");
        return ImportedScheduling.DelayedAutoStart;
    }

    private static ServiceLogSettings Logs(XElement root, Func<string, string> expand, List<string> notes)
    {
        var defaults = new ServiceLogSettings();
        var directory = Text(root, "logpath") is { } path ? expand(path) : null;
        if (directory is not null)
        {
            VariableReferences.NoteNotExpanded(directory, "<logpath>", notes);
        }

        var log = Elements(root, "log").FirstOrDefault();
        var mode = log?.Attribute("mode")?.Value ?? Text(root, "logmode") ?? "append";
        switch (mode.ToLowerInvariant())
        {
            case "roll-by-size":
                var kilobytes = Text(log!, "sizeThreshold") is { } size ? Integer(size, "sizeThreshold") : 10 * 1024;
                var keep = Text(log!, "keepFiles") is { } files ? Integer(files, "keepFiles") : 8;
                return new ServiceLogSettings { Directory = directory, MaxFileBytes = kilobytes * 1024L, MaxFiles = keep };
            case "none":
                notes.Add("Log mode none: the agent keeps the output all the same, rotated by size (10 MB, 5 files).");
                break;
            case "roll-by-time":
                return ByDay(log!, directory, mode, defaults, notes) with { RollDaily = true };
            case "roll-by-size-time":
                var threshold = Text(log!, "sizeThreshold") is { } bytes ? Integer(bytes, "sizeThreshold") * 1024L : defaults.MaxFileBytes;
                return ByDay(log!, directory, mode, defaults, notes) with { MaxFileBytes = threshold, RollDaily = true };
            default:
                notes.Add($"Log mode {mode}: the agent rotates the output by size instead (10 MB, 5 files).");
                break;
        }

        return defaults with { Directory = directory };
    }

    /// <summary>
    /// WinSW's rolls by time name files by a date pattern; the agent rolls at midnight to
    /// <c>stdout.log.yyyy-MM-dd</c>. A pattern finer than a day, a roll at another time and zipping are noted.
    /// </summary>
    private static ServiceLogSettings ByDay(XElement log, string? directory, string mode, ServiceLogSettings defaults, List<string> notes)
    {
        var pattern = Text(log, "pattern") ?? "yyyyMMdd";
        if (pattern.Contains('H', StringComparison.Ordinal) || pattern.Contains('h', StringComparison.Ordinal) || pattern.Contains('m', StringComparison.Ordinal))
        {
            notes.Add($"Log mode {mode} with pattern {pattern} rolls more often than daily: the agent rolls once a day (Logs:RollDaily).");
        }

        notes.Add($"Log mode {mode}: the agent rolls the output at midnight to stdout.log.<yyyy-MM-dd> and stderr.log.<yyyy-MM-dd>, not to files named by the pattern {pattern}, and also by size.");
        if (Text(log, "autoRollAtTime") is { } at && TimeSpan.TryParse(at, CultureInfo.InvariantCulture, out var time) && time != TimeSpan.Zero)
        {
            notes.Add($"<autoRollAtTime> {at} is not carried over: the agent rolls at midnight.");
        }

        foreach (var zip in Zipping.Where(name => Text(log, name) is not null))
        {
            notes.Add($"<{zip}> is not carried over: the agent does not zip old output.");
        }

        if (mode.Equals("roll-by-time", StringComparison.OrdinalIgnoreCase) && Text(log, "keepFiles") is { } files)
        {
            return defaults with { Directory = directory, KeepDays = Integer(files, "keepFiles") };
        }

        notes.Add($"Dated output files are kept {defaults.KeepDays} days (Logs:KeepDays).");
        return defaults with { Directory = directory };
    }

    private static RestartSettings Restart(XElement root, List<string> notes)
    {
        var failures = Elements(root, "onfailure").ToList();
        var reset = Text(root, "resetfailure") is { } after ? Duration(after, "resetfailure") : (TimeSpan?)null;
        if (failures.Count == 0)
        {
            return new RestartSettings { ResetAfterHealthy = reset };
        }

        var first = failures[0];
        var action = first.Attribute("action")?.Value ?? "restart";
        if (!action.Equals("restart", StringComparison.OrdinalIgnoreCase))
        {
            notes.Add($"<onfailure action=\"{action}\">: the agent does not restart the service by itself.");
            return new RestartSettings { Enabled = false, ResetAfterHealthy = reset };
        }

        if (failures.Count > 1)
        {
            notes.Add("Only the first <onfailure> delay is kept: the agent's delay then grows by its multiplier.");
        }

        var delay = first.Attribute("delay")?.Value is { } text ? Duration(text, "onfailure delay") : TimeSpan.Zero;
        return new RestartSettings { Enabled = true, InitialDelay = delay, ResetAfterHealthy = reset };
    }

    /// <summary>WinSW's durations: a number and a unit (ms, sec, min, hour, day), e.g. "10 sec"; a bare number is milliseconds.</summary>
    private static TimeSpan Duration(string text, string what)
    {
        var match = DurationPattern().Match(text.Trim());
        if (!match.Success)
        {
            throw new ServiceImportException($"<{what}> '{text}' is not a WinSW duration such as '10 sec', '500 ms' or '1 hour'.");
        }

        var amount = double.Parse(match.Groups["amount"].Value, CultureInfo.InvariantCulture);
        return match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" or "ms" => TimeSpan.FromMilliseconds(amount),
            "s" or "sec" or "secs" or "second" or "seconds" => TimeSpan.FromSeconds(amount),
            "m" or "min" or "mins" or "minute" or "minutes" => TimeSpan.FromMinutes(amount),
            "h" or "hour" or "hours" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
    }

    private static int Integer(string text, string what) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ServiceImportException($"<{what}> '{text}' is not a positive whole number.");

    [GeneratedRegex("%BASE%", RegexOptions.IgnoreCase)]
    private static partial Regex BasePattern();

    [GeneratedRegex(@"^(?<amount>\d+(\.\d+)?)\s*(?<unit>ms|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}

/// <summary>A service read from another tool's definition, and what of it was not carried over.</summary>
public sealed record ImportedService(ManagedServiceDefinition Service, IReadOnlyList<string> NotCarriedOver);

/// <summary>The text given is not a definition that can be imported; the message says why.</summary>
public sealed class ServiceImportException(string message) : Exception(message);

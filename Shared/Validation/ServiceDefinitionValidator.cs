using System.Globalization;
using Vigil.Shared.Services;
using static Vigil.Shared.Validation.MessageValidator;

namespace Vigil.Shared.Validation;

/// <summary>
/// Checks managed service definitions, wherever they come from. Each error's field is the key within
/// the service in configuration form (<c>Probes:0:Interval</c>), so the agent can name the exact key
/// of its file and the API the exact field of the request.
/// </summary>
public static class ServiceDefinitionValidator
{
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Errors per service, by position; a list-level problem (too many, duplicate names) is reported on the service concerned.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<FieldError>> ValidateAll(IReadOnlyList<ManagedServiceDefinition> services)
    {
        var result = new Dictionary<int, IReadOnlyList<FieldError>>();
        var firstByName = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is null)
            {
                result[i] = [new("Name", "is required (the entry is null)")];
                continue;
            }

            var errors = new List<FieldError>(Validate(services[i]));
            if (i >= MessageLimits.ServiceCountMax)
            {
                errors.Add(new("Name", Invariant($"is beyond the limit of {MessageLimits.ServiceCountMax} services per node")));
            }

            var name = services[i].Name;
            if (!string.IsNullOrEmpty(name) && !firstByName.TryAdd(name, i))
            {
                errors.Add(new("Name", Invariant($"'{name}' is already used by service {firstByName[name]}; names must be unique")));
            }

            if (errors.Count > 0)
            {
                result[i] = errors;
            }
        }

        return result;
    }

    public static IReadOnlyList<FieldError> Validate(ManagedServiceDefinition service)
    {
        var errors = new List<FieldError>();
        if (!IsName(service.Name))
        {
            errors.Add(new("Name", Invariant($"must be 1 to {MessageLimits.ServiceNameMaxLength} characters of letters, digits, '.', '_' or '-' (was '{Truncate(service.Name)}')")));
        }

        switch (service.Kind?.ToLowerInvariant())
        {
            case ServiceKinds.Windows:
                RequireText(errors, "ServiceName", service.ServiceName, 256);
                RequirePositive(errors, "OperationTimeout", service.OperationTimeout, MaxTimeout);
                RefuseLifecycleHooks(errors, service);
                if (service.RunAs is not null)
                {
                    errors.Add(new(RunAsRules.Field, $"is for '{ServiceKinds.Process}' services only: a Windows service's account is set in its own configuration (services.msc or sc.exe config obj=)"));
                }

                break;
            case ServiceKinds.Process:
                ValidateProcess(errors, service);
                break;
            default:
                errors.Add(new("Kind", $"must be '{ServiceKinds.Process}' or '{ServiceKinds.Windows}' (was '{Truncate(service.Kind)}')"));
                break;
        }

        if (service.StartupGrace < TimeSpan.Zero || service.StartupGrace > TimeSpan.FromHours(1))
        {
            errors.Add(new("StartupGrace", Invariant($"must be between 00:00:00 and 01:00:00 (was {service.StartupGrace})")));
        }

        if (service.StartDelay < TimeSpan.Zero || service.StartDelay > TimeSpan.FromHours(1))
        {
            errors.Add(new("StartDelay", Invariant($"must be between 00:00:00 and 01:00:00 (was {service.StartDelay})")));
        }

        ValidateRestart(errors, service.Restart);
        ValidateProbes(errors, service.Probes);
        ValidateArguments(errors, "Hooks:OnActivate", service.Hooks.OnActivate);
        ValidateArguments(errors, "Hooks:OnDeactivate", service.Hooks.OnDeactivate);
        RequireHookExecutable(errors, "Hooks:OnActivate", service.Hooks.OnActivate);
        RequireHookExecutable(errors, "Hooks:OnDeactivate", service.Hooks.OnDeactivate);
        RequirePositive(errors, "Hooks:Timeout", service.Hooks.Timeout, MaxTimeout);
        return errors;
    }

    private static void ValidateProcess(List<FieldError> errors, ManagedServiceDefinition service)
    {
        RequireText(errors, "Executable", service.Executable, MessageLimits.PathMaxLength);
        OptionalText(errors, "WorkingDirectory", service.WorkingDirectory, MessageLimits.PathMaxLength);

        ValidateArguments(errors, "Arguments", service.Arguments);

        var environment = service.Environment;
        if (environment.Count > MessageLimits.EnvironmentCountMax)
        {
            errors.Add(new("Environment", Invariant($"must have at most {MessageLimits.EnvironmentCountMax} entries (had {environment.Count})")));
        }

        foreach (var (key, value) in environment)
        {
            if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal))
            {
                errors.Add(new("Environment", $"name '{Truncate(key)}' must be non-empty and without '='"));
            }
            else
            {
                RequireText(errors, $"Environment:{key}", value, MessageLimits.ArgumentMaxLength, allowEmpty: true);
            }
        }

        RequirePositive(errors, "StopTimeout", service.StopTimeout, MaxTimeout);
        if (service.Priority is { } priority && !ProcessPriorities.All.Contains(priority, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(new("Priority", $"must be one of {string.Join(", ", ProcessPriorities.All)} (was '{Truncate(priority)}')"));
        }

        if (service.Affinity.Any(index => index is < 0 or > ProcessPriorities.MaxProcessorIndex) || service.Affinity.Distinct().Count() != service.Affinity.Count)
        {
            errors.Add(new("Affinity", Invariant($"must list distinct processor indexes from 0 to {ProcessPriorities.MaxProcessorIndex} (was [{string.Join(", ", service.Affinity.Take(8))}{(service.Affinity.Count > 8 ? ", …" : "")}])")));
        }

        RunAsRules.Validate(errors, service.RunAs);
        ValidateLifecycleHook(errors, "PreStart", service.PreStart);
        ValidateLifecycleHook(errors, "PostStart", service.PostStart);
        ValidateLifecycleHook(errors, "PostStop", service.PostStop);

        var logs = service.Logs;
        RequireRange(errors, "Logs:MaxFileBytes", logs.MaxFileBytes, 64 * 1024, 1L << 30);
        RequireRange(errors, "Logs:MaxFiles", logs.MaxFiles, 1, 100);
        RequireRange(errors, "Logs:KeepDays", logs.KeepDays, 1, 3650);
        OptionalText(errors, "Logs:Directory", logs.Directory, MessageLimits.PathMaxLength);
    }

    private static void ValidateLifecycleHook(List<FieldError> errors, string key, LifecycleHook? hook)
    {
        if (hook is null)
        {
            return;
        }

        RequireText(errors, $"{key}:Executable", hook.Executable, MessageLimits.PathMaxLength);
        ValidateArguments(errors, $"{key}:Arguments", hook.Arguments);
        OptionalText(errors, $"{key}:WorkingDirectory", hook.WorkingDirectory, MessageLimits.PathMaxLength);
        RequirePositive(errors, $"{key}:Timeout", hook.Timeout, MaxTimeout);
    }

    /// <summary>Only the agent's own processes have a launch to run hooks around; the service control manager starts a windows service.</summary>
    private static void RefuseLifecycleHooks(List<FieldError> errors, ManagedServiceDefinition service)
    {
        foreach (var (key, hook) in new[] { ("PreStart", service.PreStart), ("PostStart", service.PostStart), ("PostStop", service.PostStop) })
        {
            if (hook is not null)
            {
                errors.Add(new(key, $"is for '{ServiceKinds.Process}' services only: the agent runs hooks around the launches it makes itself"));
            }
        }
    }

    /// <summary>Restart settings alone (fields named <c>Restart:...</c>), e.g. an agent's defaults.</summary>
    public static IReadOnlyList<FieldError> ValidateRestart(RestartSettings restart)
    {
        var errors = new List<FieldError>();
        ValidateRestart(errors, restart);
        return errors;
    }

    private static void ValidateRestart(List<FieldError> errors, RestartSettings restart)
    {
        RequireOptionalPositive(errors, "Restart:InitialDelay", restart.InitialDelay, TimeSpan.FromHours(1));
        RequireOptionalPositive(errors, "Restart:MaxDelay", restart.MaxDelay, TimeSpan.FromHours(24));
        RequireOptionalPositive(errors, "Restart:Window", restart.Window, TimeSpan.FromDays(7));
        RequireOptionalPositive(errors, "Restart:FastFailWithin", restart.FastFailWithin, TimeSpan.FromHours(24));
        RequireOptionalPositive(errors, "Restart:ResetAfterHealthy", restart.ResetAfterHealthy, TimeSpan.FromDays(7));
        if (restart.InitialDelay is { } initial && restart.MaxDelay is { } max && max < initial)
        {
            errors.Add(new("Restart:MaxDelay", Invariant($"must not be shorter than Restart:InitialDelay (was {max})")));
        }

        if (restart.Multiplier is { } multiplier && (!double.IsFinite(multiplier) || multiplier < 1 || multiplier > 100))
        {
            errors.Add(new("Restart:Multiplier", Invariant($"must be between 1 and 100 (was {multiplier})")));
        }

        if (restart.Jitter is { } jitter && (!double.IsFinite(jitter) || jitter < 0 || jitter >= 1))
        {
            errors.Add(new("Restart:Jitter", Invariant($"must be at least 0 and below 1 (was {jitter})")));
        }

        if (restart.MaxRestarts is { } maxRestarts)
        {
            RequireRange(errors, "Restart:MaxRestarts", maxRestarts, 0, 1000);
        }
    }

    private static void ValidateArguments(List<FieldError> errors, string key, List<string> arguments)
    {
        if (arguments.Count > MessageLimits.ArgumentCountMax)
        {
            errors.Add(new(key, Invariant($"must have at most {MessageLimits.ArgumentCountMax} entries (had {arguments.Count})")));
        }

        for (var i = 0; i < Math.Min(arguments.Count, MessageLimits.ArgumentCountMax); i++)
        {
            RequireText(errors, Invariant($"{key}:{i}"), arguments[i], MessageLimits.ArgumentMaxLength, allowEmpty: true);
        }
    }

    private static void ValidateProbes(List<FieldError> errors, List<ProbeDefinition> probes)
    {
        if (probes.Count > MessageLimits.ProbeCountMax)
        {
            errors.Add(new("Probes", Invariant($"must have at most {MessageLimits.ProbeCountMax} entries (had {probes.Count})")));
            return;
        }

        for (var i = 0; i < probes.Count; i++)
        {
            var key = Invariant($"Probes:{i}");
            if (probes[i] is not { } probe)
            {
                errors.Add(new(key, "is required"));
                continue;
            }

            ValidateProbe(errors, key, probe);
        }
    }

    private static void ValidateProbe(List<FieldError> errors, string key, ProbeDefinition probe)
    {
        switch (probe.Kind?.ToLowerInvariant())
        {
            case ProbeKinds.Http:
                if (!Uri.TryCreate(probe.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add(new($"{key}:Url", $"must be an absolute http or https URL (was '{Truncate(probe.Url)}')"));
                }

                if (StatusRange.TryParse(probe.ExpectedStatus, out _) is false)
                {
                    errors.Add(new($"{key}:ExpectedStatus", $"must be a status code or a range such as 200-399 (was '{Truncate(probe.ExpectedStatus)}')"));
                }

                break;
            case ProbeKinds.Tcp:
                RequireText(errors, $"{key}:Host", probe.Host, 253);
                RequireRange(errors, $"{key}:Port", probe.Port, 1, 65535);
                break;
            case ProbeKinds.Command:
                RequireText(errors, $"{key}:Command", probe.Command, MessageLimits.ArgumentMaxLength);
                ValidateArguments(errors, $"{key}:Arguments", probe.Arguments);
                break;
            default:
                errors.Add(new($"{key}:Kind", $"must be '{ProbeKinds.Http}', '{ProbeKinds.Tcp}' or '{ProbeKinds.Command}' (was '{Truncate(probe.Kind)}')"));
                break;
        }

        if (probe.Interval < TimeSpan.FromMilliseconds(100) || probe.Interval > TimeSpan.FromHours(1))
        {
            errors.Add(new($"{key}:Interval", Invariant($"must be between 00:00:00.1 and 01:00:00 (was {probe.Interval})")));
        }

        if (probe.Timeout <= TimeSpan.Zero || probe.Timeout > probe.Interval)
        {
            errors.Add(new($"{key}:Timeout", Invariant($"must be positive and no longer than the interval (was {probe.Timeout})")));
        }

        if (probe.InitialDelay < TimeSpan.Zero || probe.InitialDelay > TimeSpan.FromHours(1))
        {
            errors.Add(new($"{key}:InitialDelay", Invariant($"must be between 00:00:00 and 01:00:00 (was {probe.InitialDelay})")));
        }

        RequireRange(errors, $"{key}:Rise", probe.Rise, 1, 100);
        RequireRange(errors, $"{key}:Fall", probe.Fall, 1, 100);
    }

    private static void RequireHookExecutable(List<FieldError> errors, string key, List<string> hook)
    {
        if (hook.Count > 0 && string.IsNullOrWhiteSpace(hook[0]))
        {
            errors.Add(new(Invariant($"{key}:0"), "must name the executable to run"));
        }
    }

    private static bool IsName(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= MessageLimits.ServiceNameMaxLength
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static void RequirePositive(List<FieldError> errors, string key, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            errors.Add(new(key, Invariant($"must be positive and at most {max} (was {value})")));
        }
    }

    private static void RequireOptionalPositive(List<FieldError> errors, string key, TimeSpan? value, TimeSpan max)
    {
        if (value is { } set)
        {
            RequirePositive(errors, key, set, max);
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.Shared.Validation;

/// <summary>Checks agent messages against <see cref="MessageLimits"/>. Field names are the camelCase
/// names used on the wire, so an error points at exactly what the sender got wrong.</summary>
public static class MessageValidator
{
    public static IReadOnlyList<FieldError> Validate(AgentRegistration? registration)
    {
        var errors = new List<FieldError>();
        if (registration is null)
        {
            errors.Add(new("registration", "is required"));
            return errors;
        }

        if (registration.NodeId == Guid.Empty)
        {
            errors.Add(new("nodeId", "must be a non-empty GUID"));
        }

        RequireText(errors, "nodeName", registration.NodeName, MessageLimits.NodeNameMaxLength);
        RequireText(errors, "agentVersion", registration.AgentVersion, MessageLimits.AgentVersionMaxLength);
        RequireText(errors, "operatingSystem", registration.OperatingSystem, MessageLimits.OperatingSystemMaxLength);
        RequireRange(errors, "processorCount", registration.ProcessorCount, 1, MessageLimits.ProcessorCountMax);
        RequireRange(errors, "heartbeatIntervalMs", registration.HeartbeatIntervalMs,
            MessageLimits.HeartbeatIntervalMinMs, MessageLimits.HeartbeatIntervalMaxMs);
        ValidateLabels(errors, registration.Labels);
        ValidatePaths(errors, "remoteExecution.allowedExecutables", registration.RemoteExecution?.AllowedExecutables);
        ValidatePaths(errors, "remoteExecution.allowedFolders", registration.RemoteExecution?.AllowedFolders);
        ValidateInstalledServices(errors, registration.InstalledServices);
        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(AgentHeartbeat? heartbeat)
    {
        var errors = new List<FieldError>();
        if (heartbeat is null)
        {
            errors.Add(new("heartbeat", "is required"));
            return errors;
        }

        if (heartbeat.Sequence < 1)
        {
            errors.Add(new("sequence", Invariant($"must be 1 or more (was {heartbeat.Sequence})")));
        }

        var host = heartbeat.Host;
        if (host is null)
        {
            errors.Add(new("host", "is required"));
            return errors;
        }

        if (!double.IsFinite(host.CpuPercent) || host.CpuPercent < 0 || host.CpuPercent > 100)
        {
            errors.Add(new("host.cpuPercent", Invariant($"must be between 0 and 100 (was {host.CpuPercent})")));
        }

        RequireRange(errors, "host.memoryTotalBytes", host.MemoryTotalBytes, 1, MessageLimits.MemoryBytesMax);
        RequireRange(errors, "host.memoryAvailableBytes", host.MemoryAvailableBytes, 0, Math.Max(0, host.MemoryTotalBytes));
        RequireRange(errors, "host.uptimeSeconds", host.UptimeSeconds, 0, MessageLimits.UptimeSecondsMax);
        ValidateVolumes(errors, host.Volumes);
        ValidateServices(errors, heartbeat.Services);
        if (heartbeat.ServicesUnchanged && heartbeat.Services is { Count: > 0 })
        {
            errors.Add(new("services", "must be empty when servicesUnchanged is true"));
        }

        ValidateRoles(errors, heartbeat.Roles);
        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(AgentEventBatch? batch)
    {
        var errors = new List<FieldError>();
        if (batch?.Events is null)
        {
            errors.Add(new("events", "is required"));
            return errors;
        }

        if (batch.Events.Count is 0 or > MessageLimits.EventBatchMax)
        {
            errors.Add(new("events", Invariant($"must hold 1 to {MessageLimits.EventBatchMax} events (had {batch.Events.Count})")));
            return errors;
        }

        long previous = 0;
        for (var i = 0; i < batch.Events.Count; i++)
        {
            var field = Invariant($"events[{i}]");
            if (batch.Events[i] is not { } e)
            {
                errors.Add(new(field, "is required"));
                continue;
            }

            if (e.Sequence <= previous)
            {
                errors.Add(new($"{field}.sequence", Invariant($"must be 1 or more and greater than the one before (was {e.Sequence})")));
            }

            previous = e.Sequence;
            if (!Enum.IsDefined(e.Kind))
            {
                errors.Add(new($"{field}.kind", "is not a known event kind"));
            }

            RequireText(errors, $"{field}.message", e.Message, MessageLimits.EventMessageMaxLength);
            OptionalText(errors, $"{field}.service", e.Service, MessageLimits.ServiceNameMaxLength);
        }

        return errors;
    }

    public static IReadOnlyList<FieldError> Validate(CommandOutcome? outcome)
    {
        var errors = new List<FieldError>();
        if (outcome is null)
        {
            errors.Add(new("outcome", "is required"));
            return errors;
        }

        if (outcome.CommandId == Guid.Empty)
        {
            errors.Add(new("commandId", "must be a non-empty GUID"));
        }

        RequireText(errors, "message", outcome.Message, MessageLimits.CommandMessageMaxLength);
        return errors;
    }

    private static void ValidateRoles(List<FieldError> errors, IReadOnlyList<RoleReport>? roles)
    {
        if (roles is null || roles.Count == 0)
        {
            return;
        }

        if (roles.Count > MessageLimits.RoleCountMax)
        {
            errors.Add(new("roles", Invariant($"must have at most {MessageLimits.RoleCountMax} entries (had {roles.Count})")));
            return;
        }

        for (var i = 0; i < roles.Count; i++)
        {
            var field = Invariant($"roles[{i}]");
            if (roles[i] is not { } role)
            {
                errors.Add(new(field, "is required"));
                continue;
            }

            if (role.GroupId == Guid.Empty)
            {
                errors.Add(new($"{field}.groupId", "must be a non-empty GUID"));
            }

            if (role.Epoch < 0)
            {
                errors.Add(new($"{field}.epoch", Invariant($"must be 0 or more (was {role.Epoch})")));
            }

            RequireText(errors, $"{field}.service", role.Service, MessageLimits.ServiceNameMaxLength);
        }
    }

    private static void ValidateVolumes(List<FieldError> errors, IReadOnlyList<VolumeReport>? volumes)
    {
        if (volumes is null || volumes.Count == 0)
        {
            return;
        }

        if (volumes.Count > MessageLimits.VolumeCountMax)
        {
            errors.Add(new("host.volumes", Invariant($"must have at most {MessageLimits.VolumeCountMax} entries (had {volumes.Count})")));
            return;
        }

        for (var i = 0; i < volumes.Count; i++)
        {
            var field = Invariant($"host.volumes[{i}]");
            if (volumes[i] is not { } volume)
            {
                errors.Add(new(field, "is required"));
                continue;
            }

            RequireText(errors, $"{field}.name", volume.Name, MessageLimits.VolumeNameMaxLength);
            RequireRange(errors, $"{field}.totalBytes", volume.TotalBytes, 0, long.MaxValue);
            RequireRange(errors, $"{field}.freeBytes", volume.FreeBytes, 0, Math.Max(0, volume.TotalBytes));
        }
    }

    /// <summary>
    /// Runs on every heartbeat: a valid list allocates nothing (field names are written only for an
    /// error, and names are compared pairwise, at most <see cref="MessageLimits.ServiceCountMax"/> of them).
    /// </summary>
    private static void ValidateServices(List<FieldError> errors, IReadOnlyList<ServiceReport>? services)
    {
        if (services is null || services.Count == 0)
        {
            return;
        }

        if (services.Count > MessageLimits.ServiceCountMax)
        {
            errors.Add(new("services", Invariant($"must have at most {MessageLimits.ServiceCountMax} entries (had {services.Count})")));
            return;
        }

        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is not { } service)
            {
                Add(i, "", "is required");
                continue;
            }

            Check(i, ".name", TextProblem(service.Name, MessageLimits.ServiceNameMaxLength));
            if (service.Name is not null && ReportedBefore(services, i))
            {
                Add(i, ".name", $"'{Truncate(service.Name)}' is reported twice");
            }

            Check(i, ".kind", TextProblem(service.Kind, 16));
            Check(i, ".reason", TextProblem(service.Reason, MessageLimits.ReasonMaxLength, allowEmpty: true));
            if (!Enum.IsDefined(service.State))
            {
                Add(i, ".state", "is not a known state");
            }

            if (!Enum.IsDefined(service.Health))
            {
                Add(i, ".health", "is not a known health");
            }

            Check(i, ".restartCount", RangeProblem(service.RestartCount, 0, int.MaxValue));
            if (service.CpuPercent is { } cpu && (!double.IsFinite(cpu) || cpu < 0 || cpu > 100 * MessageLimits.ProcessorCountMax))
            {
                Add(i, ".cpuPercent", Invariant($"must be between 0 and {100 * MessageLimits.ProcessorCountMax} (was {cpu})"));
            }

            Check(i, ".startType", service.StartType is null ? null : TextProblem(service.StartType, MessageLimits.ServiceAttributeMaxLength));
            Check(i, ".account", service.Account is null ? null : TextProblem(service.Account, MessageLimits.ServiceAttributeMaxLength));

            if (service.WorkingSetBytes is < 0 || service.ThreadCount is < 0 || service.HandleCount is < 0 || service.ProcessId is < 0)
            {
                Add(i, "", "process figures must not be negative");
            }
        }

        void Check(int index, string member, string? problem)
        {
            if (problem is not null)
            {
                Add(index, member, problem);
            }
        }

        void Add(int index, string member, string problem) => errors.Add(new(Invariant($"services[{index}]{member}"), problem));
    }

    private static bool ReportedBefore(IReadOnlyList<ServiceReport> services, int index)
    {
        var name = services[index].Name;
        for (var earlier = 0; earlier < index; earlier++)
        {
            if (string.Equals(services[earlier]?.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>One line naming every broken field, for logs and hub errors.</summary>
    public static string Describe(string messageName, IReadOnlyList<FieldError> errors) =>
        $"Invalid {messageName}: {string.Join("; ", errors)}.";

    private static void ValidatePaths(List<FieldError> errors, string field, IReadOnlyList<string>? paths)
    {
        if (paths is null)
        {
            return;
        }

        if (paths.Count > MessageLimits.AllowedPathCountMax)
        {
            errors.Add(new(field, Invariant($"must have at most {MessageLimits.AllowedPathCountMax} entries (had {paths.Count})")));
            return;
        }

        for (var i = 0; i < paths.Count; i++)
        {
            RequireText(errors, Invariant($"{field}[{i}]"), paths[i], MessageLimits.PathMaxLength);
        }
    }

    private static void ValidateInstalledServices(List<FieldError> errors, IReadOnlyList<InstalledService>? services)
    {
        if (services is null)
        {
            return;
        }

        if (services.Count > MessageLimits.InstalledServiceCountMax)
        {
            errors.Add(new("installedServices", Invariant($"must have at most {MessageLimits.InstalledServiceCountMax} entries (had {services.Count})")));
            return;
        }

        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is not { } service)
            {
                errors.Add(new(Invariant($"installedServices[{i}]"), "is required"));
                continue;
            }

            RequireText(errors, Invariant($"installedServices[{i}].name"), service.Name, MessageLimits.InstalledServiceNameMaxLength);
            RequireText(errors, Invariant($"installedServices[{i}].displayName"), service.DisplayName, MessageLimits.InstalledServiceNameMaxLength, allowEmpty: true);
        }
    }

    private static void ValidateLabels(List<FieldError> errors, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return;
        }

        if (labels.Count > MessageLimits.LabelCountMax)
        {
            errors.Add(new("labels", Invariant($"must have at most {MessageLimits.LabelCountMax} entries (had {labels.Count})")));
            return;
        }

        foreach (var (key, value) in labels)
        {
            if (!IsLabelKey(key))
            {
                errors.Add(new("labels", Invariant(
                    $"key '{Truncate(key)}' must be 1 to {MessageLimits.LabelKeyMaxLength} characters of letters, digits, '.', '_' or '-'")));
            }
            else
            {
                RequireText(errors, $"labels.{key}", value, MessageLimits.LabelValueMaxLength, allowEmpty: true);
            }
        }
    }

    private static bool IsLabelKey(string? key) =>
        !string.IsNullOrEmpty(key)
        && key.Length <= MessageLimits.LabelKeyMaxLength
        && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Like <see cref="RequireText"/> for a value that may be left out (null).</summary>
    internal static void OptionalText(List<FieldError> errors, string field, string? value, int maxLength)
    {
        if (value is not null)
        {
            RequireText(errors, field, value, maxLength);
        }
    }

    internal static void RequireText(List<FieldError> errors, string field, string? value, int maxLength, bool allowEmpty = false)
    {
        if (TextProblem(value, maxLength, allowEmpty) is { } problem)
        {
            errors.Add(new(field, problem));
        }
    }

    /// <summary>What is wrong with a required text, or null when nothing is; allocates only for a problem.</summary>
    private static string? TextProblem(string? value, int maxLength, bool allowEmpty = false)
    {
        if (value is null)
        {
            return "is required";
        }

        if (!allowEmpty && string.IsNullOrWhiteSpace(value))
        {
            return "must not be empty";
        }

        if (value.Length > maxLength)
        {
            return Invariant($"must be at most {maxLength} characters (was {value.Length})");
        }

        foreach (var character in value)
        {
            if (char.IsControl(character))
            {
                return "must not contain control characters";
            }
        }

        return null;
    }

    internal static void RequireRange(List<FieldError> errors, string field, long value, long min, long max)
    {
        if (RangeProblem(value, min, max) is { } problem)
        {
            errors.Add(new(field, problem));
        }
    }

    private static string? RangeProblem(long value, long min, long max) =>
        value < min || value > max ? Invariant($"must be between {min} and {max} (was {value})") : null;

    internal static string Truncate(string? text) =>
        text is null ? "" : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

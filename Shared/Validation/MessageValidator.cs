using System.Globalization;
using Vigil.Shared.Messages;

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
        return errors;
    }

    /// <summary>One line naming every broken field, for logs and hub errors.</summary>
    public static string Describe(string messageName, IReadOnlyList<FieldError> errors) =>
        $"Invalid {messageName}: {string.Join("; ", errors)}.";

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

    private static void RequireText(List<FieldError> errors, string field, string? value, int maxLength, bool allowEmpty = false)
    {
        if (value is null)
        {
            errors.Add(new(field, "is required"));
        }
        else if (!allowEmpty && string.IsNullOrWhiteSpace(value))
        {
            errors.Add(new(field, "must not be empty"));
        }
        else if (value.Length > maxLength)
        {
            errors.Add(new(field, Invariant($"must be at most {maxLength} characters (was {value.Length})")));
        }
        else if (value.Any(char.IsControl))
        {
            errors.Add(new(field, "must not contain control characters"));
        }
    }

    private static void RequireRange(List<FieldError> errors, string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add(new(field, Invariant($"must be between {min} and {max} (was {value})")));
        }
    }

    private static string Truncate(string? text) =>
        text is null ? "" : text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

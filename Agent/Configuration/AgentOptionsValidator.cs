using System.Globalization;
using Microsoft.Extensions.Options;
using Vigil.Agent.Identity;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Configuration;

/// <summary>Checks the agent's settings at start; every error names the key and what is wrong with it.</summary>
public sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    /// <summary>Enough for every instance of a control plane; a longer list is a mistake.</summary>
    private const int MaxControlPlaneAddresses = 16;

    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();
        ValidateAddresses(options, errors);

        if (string.IsNullOrWhiteSpace(options.EnrollmentToken)
            && (string.IsNullOrWhiteSpace(options.DataDirectory) || !AgentCredentialFile.ExistsIn(options.DataDirectory)))
        {
            errors.Add("Agent:EnrollmentToken is required until the agent has enrolled: set it to an enrollment token from the control plane (Admin → Enrollment tokens).");
        }

        var intervalMs = options.HeartbeatInterval.TotalMilliseconds;
        if (intervalMs < MessageLimits.HeartbeatIntervalMinMs || intervalMs > MessageLimits.HeartbeatIntervalMaxMs)
        {
            errors.Add(Invariant($"Agent:HeartbeatInterval must be between {TimeSpan.FromMilliseconds(MessageLimits.HeartbeatIntervalMinMs)} and {TimeSpan.FromMilliseconds(MessageLimits.HeartbeatIntervalMaxMs)} (was {options.HeartbeatInterval})."));
        }

        ValidateIdentity(options, errors);
        foreach (var error in ServiceDefinitionValidator.ValidateRestart(options.RestartDefaults ?? new()))
        {
            errors.Add($"Agent:RestartDefaults:{error.Field["Restart:".Length..]} {error.Message}.");
        }

        if (!string.IsNullOrWhiteSpace(options.RoleEndpoint)
            && (!Uri.TryCreate(options.RoleEndpoint, UriKind.Absolute, out var roleEndpoint) || roleEndpoint.Scheme != Uri.UriSchemeHttp))
        {
            errors.Add($"Agent:RoleEndpoint must be an absolute http URL such as http://127.0.0.1:8780/ (was '{options.RoleEndpoint}').");
        }

        ValidateReconnect(options.Reconnect, errors);
        ValidateRemoteExecution(options.RemoteExecution ?? new(), errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Each allowed program or folder is a full path of this machine, within the protocol's limits.</summary>
    private static void ValidateRemoteExecution(RemoteExecutionOptions remote, List<string> errors)
    {
        foreach (var (key, paths) in new[] { ("AllowedExecutables", remote.AllowedExecutables), ("AllowedFolders", remote.AllowedFolders) })
        {
            if (paths.Count > MessageLimits.AllowedPathCountMax)
            {
                errors.Add(Invariant($"Agent:RemoteExecution:{key} must have at most {MessageLimits.AllowedPathCountMax} entries (had {paths.Count})."));
            }

            for (var i = 0; i < paths.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(paths[i]) || paths[i].Length > MessageLimits.PathMaxLength || !Path.IsPathFullyQualified(paths[i]))
                {
                    errors.Add(Invariant($"Agent:RemoteExecution:{key}:{i} must be a full path of at most {MessageLimits.PathMaxLength} characters (was '{paths[i]}')."));
                }
            }
        }
    }

    /// <summary>At least one address; each an absolute http or https URL.</summary>
    private static void ValidateAddresses(AgentOptions options, List<string> errors)
    {
        var listed = options.ControlPlaneUrls ?? [];
        if (listed.Count > MaxControlPlaneAddresses)
        {
            errors.Add(Invariant($"Agent:ControlPlaneUrls must have at most {MaxControlPlaneAddresses} entries (had {listed.Count})."));
        }

        if (!string.IsNullOrWhiteSpace(options.ControlPlaneUrl) || listed.Count == 0)
        {
            if (!IsControlPlaneUrl(options.ControlPlaneUrl))
            {
                errors.Add($"Agent:ControlPlaneUrl must be an absolute http or https URL (was '{options.ControlPlaneUrl}').");
            }
        }

        for (var i = 0; i < listed.Count; i++)
        {
            if (!IsControlPlaneUrl(listed[i]))
            {
                errors.Add(Invariant($"Agent:ControlPlaneUrls:{i} must be an absolute http or https URL (was '{listed[i]}')."));
            }
        }
    }

    /// <summary>Whether <paramref name="address"/> can be a control plane's address: an absolute http or https URL.</summary>
    public static bool IsControlPlaneUrl(string? address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) && url.Host.Length > 0;

    /// <summary>Node name and labels follow the protocol's own limits, checked by the shared validator.</summary>
    private static void ValidateIdentity(AgentOptions options, List<string> errors)
    {
        var registration = new AgentRegistration
        {
            ProtocolVersion = ProtocolVersions.Current,
            NodeId = Guid.NewGuid(),
            NodeName = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName,
            AgentVersion = "0",
            OperatingSystem = "-",
            ProcessorCount = 1,
            HeartbeatIntervalMs = MessageLimits.HeartbeatIntervalMinMs,
            Labels = options.Labels,
        };
        foreach (var error in MessageValidator.Validate(registration))
        {
            var key = error.Field switch
            {
                "nodeName" => "Agent:NodeName",
                var field when field.StartsWith("labels.", StringComparison.Ordinal) => $"Agent:Labels:{field["labels.".Length..]}",
                "labels" => "Agent:Labels",
                var field => $"Agent:{field}",
            };
            errors.Add($"{key} {error.Message}.");
        }
    }

    private static void ValidateReconnect(ReconnectOptions reconnect, List<string> errors)
    {
        if (reconnect.InitialDelay <= TimeSpan.Zero)
        {
            errors.Add($"Agent:Reconnect:InitialDelay must be positive (was {reconnect.InitialDelay}).");
        }

        if (reconnect.MaxDelay < reconnect.InitialDelay)
        {
            errors.Add($"Agent:Reconnect:MaxDelay must not be shorter than Agent:Reconnect:InitialDelay (was {reconnect.MaxDelay}).");
        }

        if (!double.IsFinite(reconnect.Multiplier) || reconnect.Multiplier < 1)
        {
            errors.Add(Invariant($"Agent:Reconnect:Multiplier must be 1 or more (was {reconnect.Multiplier})."));
        }

        if (!double.IsFinite(reconnect.Jitter) || reconnect.Jitter < 0 || reconnect.Jitter >= 1)
        {
            errors.Add(Invariant($"Agent:Reconnect:Jitter must be at least 0 and below 1 (was {reconnect.Jitter})."));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

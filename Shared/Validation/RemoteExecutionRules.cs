using Vigil.Shared.Services;
using static Vigil.Shared.Validation.MessageValidator;

namespace Vigil.Shared.Validation;

/// <summary>
/// What an agent refuses in a service definition that comes from the control plane: every program it
/// would run (a process's executable and its lifecycle hooks, a command probe's program, an activation hook) must be a full
/// path allowed by the agent's <see cref="RemoteExecutionPolicy"/>, a command probe may not be script
/// text, the log folder stays the agent's default, and a run-as account needs a Windows node and has no
/// password (<see cref="RunAsRules"/>). Fields are named as in
/// <see cref="ServiceDefinitionValidator"/>. The agent enforces it; the control plane uses it to
/// answer at once.
/// </summary>
public static class RemoteExecutionRules
{
    public const string Setting = "Agent:RemoteExecution";

    public static IReadOnlyList<FieldError> Check(ManagedServiceDefinition service, RemoteExecutionPolicy policy)
    {
        var errors = new List<FieldError>();
        if (string.Equals(service.Kind, ServiceKinds.Process, StringComparison.OrdinalIgnoreCase))
        {
            CheckProgram(errors, "Executable", service.Executable, policy);
            CheckProgram(errors, "PreStart:Executable", service.PreStart?.Executable, policy);
            CheckProgram(errors, "PostStart:Executable", service.PostStart?.Executable, policy);
            CheckProgram(errors, "PostStop:Executable", service.PostStop?.Executable, policy);
            if (service.Logs.Directory is not null)
            {
                errors.Add(new("Logs:Directory", "cannot be set by the control plane: the agent writes the logs of a service it was given under its own data folder"));
            }

            errors.AddRange(RunAsRules.FromControlPlane(service));
            errors.AddRange(RunAsRules.OnNode(service, policy.WindowsPaths));
        }

        for (var i = 0; i < service.Probes.Count; i++)
        {
            var probe = service.Probes[i];
            if (!string.Equals(probe.Kind, ProbeKinds.Command, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (probe.Arguments.Count == 0)
            {
                errors.Add(new(Invariant($"Probes:{i}:Command"), "is script text, which the agent never runs for the control plane: name a program by its full path and give its arguments"));
            }
            else
            {
                CheckProgram(errors, Invariant($"Probes:{i}:Command"), probe.Command, policy);
            }
        }

        CheckHook(errors, "Hooks:OnActivate", service.Hooks.OnActivate, policy);
        CheckHook(errors, "Hooks:OnDeactivate", service.Hooks.OnDeactivate, policy);
        return errors;
    }

    private static void CheckHook(List<FieldError> errors, string field, List<string> hook, RemoteExecutionPolicy policy)
    {
        if (hook.Count > 0)
        {
            CheckProgram(errors, field + ":0", hook[0], policy);
        }
    }

    private static void CheckProgram(List<FieldError> errors, string field, string? program, RemoteExecutionPolicy policy)
    {
        if (program is not null && Refusal(policy, program) is { } refusal)
        {
            errors.Add(new(field, refusal));
        }
    }

    private static string? Refusal(RemoteExecutionPolicy policy, string program)
    {
        if (policy.AllowsNothing)
        {
            return $"'{Truncate(program)}' is not allowed: this agent runs no program defined by the control plane (an administrator of the node allows programs in {Setting}:AllowedExecutables or {Setting}:AllowedFolders of the agent's own configuration)";
        }

        if (Segments(program, policy.WindowsPaths) is not { } segments)
        {
            return $"must be a full path without '.' or '..' parts to be allowed from the control plane (was '{Truncate(program)}')";
        }

        var comparison = policy.WindowsPaths ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var allowed = policy.AllowedExecutables.Any(path => Segments(path, policy.WindowsPaths) is { } allowedPath && SameSegments(allowedPath, segments, comparison))
            || policy.AllowedFolders.Any(folder => Segments(folder, policy.WindowsPaths) is { } allowedFolder
                && allowedFolder.Count < segments.Count
                && SameSegments(allowedFolder, segments.Take(allowedFolder.Count).ToList(), comparison));
        return allowed
            ? null
            : $"'{Truncate(program)}' is not allowed: it is neither listed in {Setting}:AllowedExecutables nor inside a folder of {Setting}:AllowedFolders of the agent's own configuration";
    }

    /// <summary>The parts of a full path, its root first; null for a relative path or one with <c>.</c> or <c>..</c> parts.</summary>
    private static List<string>? Segments(string path, bool windows)
    {
        string root;
        string rest;
        if (windows)
        {
            var normal = path.Replace('/', '\\');
            if (normal.Length >= 3 && char.IsAsciiLetter(normal[0]) && normal[1] == ':' && normal[2] == '\\')
            {
                root = normal[..2];
                rest = normal[3..];
            }
            else if (normal.StartsWith(@"\\", StringComparison.Ordinal) && !normal.StartsWith(@"\\?\", StringComparison.Ordinal) && !normal.StartsWith(@"\\.\", StringComparison.Ordinal))
            {
                root = @"\\";
                rest = normal[2..];
            }
            else
            {
                return null;
            }
        }
        else if (path.StartsWith('/'))
        {
            root = "/";
            rest = path[1..];
        }
        else
        {
            return null;
        }

        var parts = rest.Split(windows ? '\\' : '/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(part => part is "." or ".." || (windows && part.Trim().TrimEnd('.').Length != part.Length)))
        {
            return null;
        }

        return [root, .. parts];
    }

    private static bool SameSegments(List<string> a, List<string> b, StringComparison comparison) =>
        a.Count == b.Count && a.Zip(b).All(pair => string.Equals(pair.First, pair.Second, comparison));
}

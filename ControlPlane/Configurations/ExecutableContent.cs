using System.Text.Json;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Configurations;

/// <summary>
/// What in a desired configuration makes an agent run a program: a process's executable, arguments,
/// working directory, environment, run-as account and lifecycle hooks, command probes, and activation hooks. Changing it is an Admin
/// action; an Operator may change everything else (restart policy, other probes, Windows services)
/// and remove services.
/// </summary>
internal static class ExecutableContent
{
    /// <summary>Names of the services of <paramref name="next"/> whose executable content differs from the one of the same name in <paramref name="current"/>.</summary>
    public static IReadOnlyList<string> ChangedBy(IReadOnlyList<ManagedServiceDefinition> current, IReadOnlyList<ManagedServiceDefinition> next)
    {
        var before = current.GroupBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => Of(g.First()), StringComparer.OrdinalIgnoreCase);
        return [.. next
            .Where(service => Of(service) is { } content && (!before.TryGetValue(service.Name, out var earlier) || earlier != content))
            .Select(service => service.Name)];
    }

    /// <summary>The service's executable content as one comparable text, or null when it runs no program of its own.</summary>
    private static string? Of(ManagedServiceDefinition service)
    {
        var process = string.Equals(service.Kind, ServiceKinds.Process, StringComparison.OrdinalIgnoreCase);
        var probes = service.Probes
            .Where(p => string.Equals(p.Kind, ProbeKinds.Command, StringComparison.OrdinalIgnoreCase))
            .Select(p => new { p.Command, p.Arguments })
            .ToList();
        if (!process && probes.Count == 0 && service.Hooks.OnActivate.Count == 0 && service.Hooks.OnDeactivate.Count == 0)
        {
            return null;
        }

        return JsonSerializer.Serialize(new
        {
            Executable = process ? service.Executable : null,
            Arguments = process ? service.Arguments : [],
            WorkingDirectory = process ? service.WorkingDirectory : null,
            Environment = process ? service.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).ToList() : [],
            RunAs = process ? service.RunAs?.User : null,
            PreStart = process ? service.PreStart : null,
            PostStart = process ? service.PostStart : null,
            PostStop = process ? service.PostStop : null,
            Probes = probes,
            service.Hooks.OnActivate,
            service.Hooks.OnDeactivate,
        });
    }
}

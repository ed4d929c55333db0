using System.Globalization;
using System.Security.Claims;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Configurations;

/// <summary>
/// The one way to replace a node's desired services, for the REST API and the dashboard alike: the
/// definitions are validated (a run-as password is refused: it is set on the node only), a change of what the agent executes needs Admin, a program the node's
/// agent announced it would refuse is refused, and only then is the configuration stored.
/// </summary>
internal sealed class ConfigurationChanges(DesiredConfigurations configurations)
{
    /// <summary>Everything but storing: what a replacement by <paramref name="services"/> would come to.</summary>
    public async Task<ConfigurationChange> CheckAsync(NodeStatus node, IReadOnlyList<ManagedServiceDefinition> services, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var errors = WithoutPasswords(ServiceDefinitionValidator.ValidateAll(services), services);
        if (errors.Count > 0)
        {
            return new ConfigurationChange.Invalid("The configuration is not valid.", ErrorsByPath(errors));
        }

        var changed = ExecutableContent.ChangedBy((await configurations.GetAsync(node.Id, cancellationToken)).Services, services);
        if (changed.Count > 0 && !user.IsInRole(VigilRoles.Admin))
        {
            return new ConfigurationChange.NeedsAdmin(changed);
        }

        if (node.RemoteExecution is { } policy && Refusals(services, policy) is { Count: > 0 } refusals)
        {
            return new ConfigurationChange.Invalid($"The agent of node '{node.Name}' would refuse to run these programs.", ErrorsByPath(refusals)) { ExecutableChanges = changed };
        }

        return new ConfigurationChange.Allowed { ExecutableChanges = changed };
    }

    /// <summary>Checks the replacement, and stores it (telling the agent) when it is allowed.</summary>
    public async Task<ConfigurationChange> ReplaceAsync(NodeStatus node, IReadOnlyList<ManagedServiceDefinition> services, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(node, services, user, cancellationToken);
        return check is ConfigurationChange.Allowed allowed
            ? new ConfigurationChange.Stored(await configurations.SetAsync(node.Id, services, cancellationToken)) { ExecutableChanges = allowed.ExecutableChanges }
            : check;
    }

    /// <summary>The errors, with a refusal added for each run-as password: those are set on the node only.</summary>
    private static Dictionary<int, IReadOnlyList<FieldError>> WithoutPasswords(IReadOnlyDictionary<int, IReadOnlyList<FieldError>> errors, IReadOnlyList<ManagedServiceDefinition> services)
    {
        var all = errors.ToDictionary(e => e.Key, e => e.Value);
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i] is { } service && RunAsRules.FromControlPlane(service) is { Count: > 0 } refusals)
            {
                all[i] = [.. all.GetValueOrDefault(i, []).Where(error => error.Field != refusals[0].Field), .. refusals];
            }
        }

        return all;
    }

    private static Dictionary<int, IReadOnlyList<FieldError>> Refusals(IReadOnlyList<ManagedServiceDefinition> services, RemoteExecutionPolicy policy) =>
        services
            .Select((service, i) => (i, Errors: RemoteExecutionRules.Check(service, policy)))
            .Where(s => s.Errors.Count > 0)
            .ToDictionary(s => s.i, s => s.Errors);

    /// <summary>Each service's errors under the field's path in the request, such as <c>services[0].probes[1].interval</c>.</summary>
    private static Dictionary<string, string[]> ErrorsByPath(IReadOnlyDictionary<int, IReadOnlyList<FieldError>> errors) =>
        errors
            .SelectMany(e => e.Value.Select(problem => (Field: $"services[{e.Key.ToString(CultureInfo.InvariantCulture)}].{ConfigurationsApi.JsonPathOf(problem.Field)}", problem.Message)))
            .GroupBy(p => p.Field)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Message).ToArray());
}

/// <summary>What a replacement of a node's desired services came to.</summary>
public abstract record ConfigurationChange
{
    /// <summary>Names of the services whose executable content the change sets or alters (audited).</summary>
    public IReadOnlyList<string> ExecutableChanges { get; init; } = [];

    /// <summary>Valid and allowed; not stored (a check only).</summary>
    public sealed record Allowed : ConfigurationChange;

    public sealed record Stored(DesiredConfiguration Configuration) : ConfigurationChange;

    /// <summary>A definition breaks a rule, or names a program the node's agent refuses; <paramref name="Errors"/> by field path.</summary>
    public sealed record Invalid(string Title, IReadOnlyDictionary<string, string[]> Errors) : ConfigurationChange;

    /// <summary>The change alters what an agent executes, and the user is not an Admin.</summary>
    public sealed record NeedsAdmin : ConfigurationChange
    {
        public NeedsAdmin(IReadOnlyList<string> services) => ExecutableChanges = services;

        public string Detail => $"The executable, arguments, working directory, environment, run-as account, command probes or hooks of {string.Join(", ", ExecutableChanges)} would change; ask an admin.";
    }

    public const string NeedsAdminTitle = "Changing what an agent executes requires Admin.";
}

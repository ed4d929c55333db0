using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Configurations;

/// <summary>REST surface of a node's desired configuration: <c>/api/v1/nodes/{id}/configuration</c>.</summary>
public static class ConfigurationsApi
{
    public static IEndpointRouteBuilder MapConfigurationsApi(this IEndpointRouteBuilder app)
    {
        var configuration = app.MapGroup("/api/v1/nodes/{id}/configuration").WithTags("Configuration");
        configuration.MapGet("/", GetConfiguration)
            .WithName("GetNodeConfiguration")
            .WithSummary("Gets the managed services the control plane wants on the node.")
            .WithDescription("Version 0 with no services when none was ever set. A Viewer gets the names of each process's environment variables with their values hidden (they may hold secrets).")
            .Responds<DesiredConfiguration>(StatusCodes.Status200OK, "The node's desired configuration and its version.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.")
            .NeedsTheDatabase();
        configuration.MapPut("/", PutConfiguration)
            .WithName("PutNodeConfiguration")
            .WithSummary("Replaces the managed services the control plane wants on the node.")
            .WithDescription("""
                The agent applies them at once when connected, or when it next connects. Each change gets the next version number.

                Changing what an agent executes (a process service's executable, arguments, working directory, environment or run-as account, a command probe, an activation hook) requires Admin, and is audited with the services concerned; an Operator may change everything else and remove services.

                A run-as account (`runAs.user`) may be one without a password (a group managed service account, a virtual account, LocalService, NetworkService); `runAs.password` is always refused with 400, in clear or protected, and never stored or returned: a password is set in the agent's own configuration on the node.

                An agent runs a program defined here only where its own configuration allows it (`Agent:RemoteExecution`, none by default): a definition the node's agent would refuse is refused with 400, `errors` naming the field and the agent's setting. An agent that has not announced its setting (not connected since the control plane started) decides when it applies the configuration, and reports each refusal as a `ConfigRejected` event.
                """)
            .Responds<DesiredConfiguration>(StatusCodes.Status200OK, "The stored configuration with its new version.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A service definition is not valid, or names a program the node's agent does not allow; `errors` names each field by its path, such as `services[0].probes[1].interval`.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No node has this id.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Ok<DesiredConfiguration>, ProblemHttpResult>> GetConfiguration(
        [Description("The node's id (a GUID).")] string id, NodeRegistry registry, DesiredConfigurations configurations, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var nodeId) || registry.Find(nodeId) is null)
        {
            return NodeProblems.NotFound(id);
        }

        var configuration = await configurations.GetAsync(nodeId, cancellationToken);
        return TypedResults.Ok(context.User.IsInRole(VigilRoles.Operator) || context.User.IsInRole(VigilRoles.Admin) ? configuration : WithoutSecrets(configuration));
    }

    /// <summary>Text in place of each environment variable's value, for readers who may not see secrets.</summary>
    public const string HiddenValue = "(hidden)";

    internal static DesiredConfiguration WithoutSecrets(DesiredConfiguration configuration) => configuration with
    {
        Services = [.. configuration.Services.Select(service => service with
        {
            Environment = service.Environment.ToDictionary(variable => variable.Key, _ => HiddenValue),
        })],
    };

    internal static async Task<Results<Ok<DesiredConfiguration>, ValidationProblem, ProblemHttpResult>> PutConfiguration(
        [Description("The node's id (a GUID).")] string id,
        DesiredConfigurationRequest request,
        NodeRegistry registry,
        ConfigurationChanges changes,
        HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var nodeId) || registry.Find(nodeId) is not { } node)
        {
            return NodeProblems.NotFound(id);
        }

        var change = await changes.ReplaceAsync(node, request.Services ?? [], context.User, cancellationToken);
        if (change.ExecutableChanges.Count > 0)
        {
            AuditContext.SetDetail(context, $"changes what the agent executes for {string.Join(", ", change.ExecutableChanges)}");
        }

        return change switch
        {
            ConfigurationChange.Stored stored => TypedResults.Ok(stored.Configuration),
            ConfigurationChange.NeedsAdmin needsAdmin => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: ConfigurationChange.NeedsAdminTitle, detail: needsAdmin.Detail),
            ConfigurationChange.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors, title: invalid.Title),
            _ => throw new InvalidOperationException($"A replacement cannot end as {change.GetType().Name}."),
        };
    }

    /// <summary><c>Probes:0:Interval</c> becomes <c>probes[0].interval</c>, the field's path in the request.</summary>
    internal static string JsonPathOf(string key)
    {
        var path = new StringBuilder();
        var previous = "";
        foreach (var segment in key.Split(':'))
        {
            if (segment.Length == 0)
            {
                continue;
            }

            if (int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                path.Append('[').Append(segment).Append(']');
            }
            else if (previous == "Environment")
            {
                // A variable's name is data, not a property: its case stays.
                path.Append('.').Append(segment);
            }
            else
            {
                path.Append(path.Length == 0 ? "" : ".").Append(char.ToLowerInvariant(segment[0])).Append(segment.AsSpan(1));
            }

            previous = segment;
        }

        return path.ToString();
    }
}

/// <summary>The body of a PUT: every managed service the node should run besides its own.</summary>
public sealed record DesiredConfigurationRequest
{
    public List<ManagedServiceDefinition>? Services { get; init; }
}

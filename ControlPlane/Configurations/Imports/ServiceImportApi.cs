using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// REST surface that reads another tool's service definition as a Vigil service:
/// <c>/api/v1/services/import/winsw</c>. It stores nothing: the result goes into a node's
/// configuration with <c>PUT /api/v1/nodes/{id}/configuration</c>, under that endpoint's rules.
/// </summary>
public static class ServiceImportApi
{
    /// <summary>A WinSW file is a few kilobytes; this bounds what one request makes the control plane parse.</summary>
    public const int MaxDefinitionLength = 256 * 1024;

    public static IEndpointRouteBuilder MapServiceImportApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/services/import").WithTags("Configuration")
            .MapPost("/winsw", ImportWinSw)
            .WithName("ImportWinSwService")
            .WithSummary("Reads a WinSW service definition (its XML file) as a Vigil process service.")
            .WithDescription("""
                Nothing is stored: add the returned `service` to a node's configuration with `PUT /api/v1/nodes/{id}/configuration` (which checks the node's remote-execution setting and who may change what it executes).

                Carried over: the id (as the name), executable, arguments (or start arguments, split as Windows programs read them), working directory, environment, log folder, log rotation by size, stop timeout, and the first restart delay and reset period. `notCarriedOver` says, one line each, what the definition sets that Vigil does not (the service account, hooks, dependencies, other log modes, ...) and environment references the agent will not expand.
                """)
            .Responds<ServiceImportResponse>(StatusCodes.Status200OK, "The Vigil definition, and what was not carried over.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The text is not a WinSW definition that can be read (not XML, no `<executable>`, a malformed duration, `%BASE%` without `baseDirectory`), or the result is not a valid Vigil service; `errors` names each field, such as `service.name`.");
        return app;
    }

    internal static Results<Ok<ServiceImportResponse>, ValidationProblem, ProblemHttpResult> ImportWinSw(ServiceImportRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Xml))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["xml"] = ["is required: the WinSW XML file's text"] }, title: "The import is not valid.");
        }

        if (request.Xml.Length > MaxDefinitionLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["xml"] = [$"is {request.Xml.Length} characters; at most {MaxDefinitionLength} are read"] },
                title: "The import is not valid.");
        }

        ImportedService imported;
        try
        {
            imported = WinSwDefinition.Parse(request.Xml, request.BaseDirectory);
        }
        catch (ServiceImportException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The WinSW definition cannot be read.", detail: exception.Message);
        }

        var errors = ServiceDefinitionValidator.Validate(imported.Service);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(
                errors.GroupBy(e => $"service.{ConfigurationsApi.JsonPathOf(e.Field)}").ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The imported service is not a valid Vigil service.");
        }

        return TypedResults.Ok(new ServiceImportResponse(imported.Service, imported.NotCarriedOver));
    }
}

public sealed record ServiceImportRequest
{
    [Description("The WinSW definition: the text of its XML file.")]
    public string? Xml { get; init; }

    [Description("The folder the WinSW wrapper was installed in, which the definition's %BASE% stands for.")]
    public string? BaseDirectory { get; init; }
}

public sealed record ServiceImportResponse(
    [property: Description("The Vigil process service, ready for a node's configuration.")] ManagedServiceDefinition Service,
    [property: Description("What the definition sets that Vigil does not carry over, one line each.")] IReadOnlyList<string> NotCarriedOver);

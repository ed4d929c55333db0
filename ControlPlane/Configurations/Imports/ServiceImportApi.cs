using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// REST surface that reads another tool's service definition as a Vigil service:
/// <c>/api/v1/services/import/winsw</c> and <c>/api/v1/services/import/nssm</c>. It stores nothing: the result goes into a node's
/// configuration with <c>PUT /api/v1/nodes/{id}/configuration</c>, under that endpoint's rules.
/// </summary>
public static class ServiceImportApi
{
    /// <summary>A WinSW file is a few kilobytes; this bounds what one request makes the control plane parse.</summary>
    public const int MaxDefinitionLength = 256 * 1024;

    public static IEndpointRouteBuilder MapServiceImportApi(this IEndpointRouteBuilder app)
    {
        var import = app.MapGroup("/api/v1/services/import").WithTags("Configuration");
        import.MapPost("/nssm", ImportNssm)
            .WithName("ImportNssmService")
            .WithSummary("Reads an NSSM-wrapped service (a registry export of its service key) as a Vigil process service.")
            .WithDescription("""
                Export the key on the server with `reg export HKLM\SYSTEM\CurrentControlSet\Services\<name> <name>.reg` and send the file's text. Nothing is stored: add the returned `service` to a node's configuration with `PUT /api/v1/nodes/{id}/configuration`.

                Carried over: the service key's name (as the name), Application, AppParameters (split as Windows programs read them), AppDirectory, AppEnvironmentExtra and AppEnvironment (added to the agent's environment), the folder of AppStdout, rotation by size (AppRotateFiles with AppRotateBytes), AppStopMethodConsole as the stop timeout, AppRestartDelay, and AppExit's default action. `notCarriedOver` lists the rest, one line each (the account, priority, affinity, hooks, actions per exit code, ...).
                """)
            .Responds<ServiceImportResponse>(StatusCodes.Status200OK, "The Vigil definition, and what was not carried over.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The text is not a registry export of an NSSM service (no header, no Parameters key, no Application, a malformed value), or the result is not a valid Vigil service; `errors` names each field, such as `service.name`.");
        import.MapPost("/winsw", ImportWinSw)
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

    internal static Results<Ok<ServiceImportResponse>, ValidationProblem, ProblemHttpResult> ImportWinSw(ServiceImportRequest request) =>
        Import(request.Xml, "xml", "the WinSW XML file's text", "The WinSW definition cannot be read.", text => WinSwDefinition.Parse(text, request.BaseDirectory));

    internal static Results<Ok<ServiceImportResponse>, ValidationProblem, ProblemHttpResult> ImportNssm(NssmImportRequest request) =>
        Import(request.RegistryExport, "registryExport", "the text of the service key's registry export", "The NSSM service cannot be read.", NssmDefinition.Parse);

    private static Results<Ok<ServiceImportResponse>, ValidationProblem, ProblemHttpResult> Import(
        string? text, string field, string whatText, string unreadable, Func<string, ImportedService> parse)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [$"is required: {whatText}"] }, title: "The import is not valid.");
        }

        if (text.Length > MaxDefinitionLength)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [field] = [$"is {text.Length} characters; at most {MaxDefinitionLength} are read"] },
                title: "The import is not valid.");
        }

        ImportedService imported;
        try
        {
            imported = parse(text);
        }
        catch (ServiceImportException exception)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: unreadable, detail: exception.Message);
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

public sealed record NssmImportRequest
{
    [Description(@"The text of a registry export of the service's key, as written by: reg export HKLM\SYSTEM\CurrentControlSet\Services\<name> <file>.")]
    public string? RegistryExport { get; init; }
}

public sealed record ServiceImportResponse(
    [property: Description("The Vigil process service, ready for a node's configuration.")] ManagedServiceDefinition Service,
    [property: Description("What the definition sets that Vigil does not carry over, one line each.")] IReadOnlyList<string> NotCarriedOver);

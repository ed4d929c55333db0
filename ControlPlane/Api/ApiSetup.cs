using System.Text.Json.Serialization;
using Scalar.AspNetCore;

namespace Vigil.ControlPlane.Api;

public static class ApiSetup
{
    /// <summary>Problem details for every error, enums as names, and the OpenAPI document of <c>/api/v1</c>.</summary>
    public static IHostApplicationBuilder AddVigilApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Vigil control plane API";
            document.Info.Description = "Nodes, their liveness and their agents' reports.";
            document.Info.Version = "v1";
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the interactive page at <c>/scalar/v1</c>.</summary>
    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(options => options.WithTitle("Vigil API"));
        return app;
    }
}

using System.Text.Json.Serialization;
using Scalar.AspNetCore;

namespace Vigil.ControlPlane.Api;

public static class ApiSetup
{
    /// <summary>Problem details for every error, enums as names, and the OpenAPI document of <c>/api/v1</c>.</summary>
    public static IHostApplicationBuilder AddVigilApi(this IHostApplicationBuilder builder)
    {
        // A body or parameter that cannot be read is the caller's mistake: 400 with the reason, in every environment.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            if (context.HttpContext.Response.StatusCode == StatusCodes.Status503ServiceUnavailable && context.Exception is not BadHttpRequestException)
            {
                context.ProblemDetails.Title = "The database is unavailable.";
                context.ProblemDetails.Detail = "Nothing was changed. Try again when the control plane reports ready (/readyz).";
            }

            if (context.Exception is BadHttpRequestException bad)
            {
                context.ProblemDetails.Status = bad.StatusCode;
                context.ProblemDetails.Title = "The request is not valid.";
                context.ProblemDetails.Detail = bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message;
            }
        });
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddOpenApi("v1", options =>
        {
            options.AddDocumentTransformer<OpenApiDescription>();
            options.AddDocumentTransformer<OpenApiSecurity>();
            options.AddOperationTransformer<OpenApiSecurity>();
            options.AddOperationTransformer<OpenApiProblems>();
        });
        return builder;
    }

    /// <summary>Unhandled exceptions become problem details; unreadable requests keep their 400.</summary>
    public static IApplicationBuilder UseVigilExceptionHandler(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException or TimeoutException => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
        });

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the interactive page at <c>/scalar/v1</c>.</summary>
    public static IEndpointRouteBuilder MapApiDocumentation(this IEndpointRouteBuilder app)
    {
        // The description of the API is no secret; the operations it lists ask for their own credentials.
        app.MapOpenApi().AllowAnonymous();
        // Everything the page needs comes from the control plane: no web fonts, telemetry or hosted assistants.
        app.MapScalarApiReference(options => options
                .WithTitle(OpenApiDescription.Title)
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .HideDeveloperTools()
                .AddPreferredSecuritySchemes(OpenApiSecurity.ApiKeyScheme))
            .AllowAnonymous();
        return app;
    }
}

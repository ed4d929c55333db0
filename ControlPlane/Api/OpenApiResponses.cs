using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace Vigil.ControlPlane.Api;

/// <summary>
/// The responses of an endpoint as its OpenAPI document shows them, each with a sentence saying when
/// it happens (the framework's <c>Produces</c> methods take no description).
/// </summary>
public static class OpenApiResponses
{
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";

    /// <summary>A success response with its body.</summary>
    public static RouteHandlerBuilder Responds<TBody>(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.WithMetadata(new DescribedResponse(statusCode, typeof(TBody), description, [Json]));

    /// <summary>A success response without a body.</summary>
    public static RouteHandlerBuilder Responds(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.WithMetadata(new DescribedResponse(statusCode, null, description, []));

    /// <summary>An error as problem details; a 400 carries <c>errors</c>, naming each field at fault.</summary>
    public static RouteHandlerBuilder RespondsWithProblem(this RouteHandlerBuilder builder, int statusCode, string description) =>
        builder.WithMetadata(new DescribedResponse(
            statusCode,
            statusCode == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails),
            description,
            [ProblemJson]));

    /// <summary>503 problem details: the database did not answer, so nothing was read or changed.</summary>
    public static RouteHandlerBuilder NeedsTheDatabase(this RouteHandlerBuilder builder) =>
        builder.RespondsWithProblem(
            StatusCodes.Status503ServiceUnavailable,
            "The database is unavailable: nothing was changed. Retry when /readyz reports ready.");

    /// <summary>The response's description is applied by <see cref="OpenApiProblems"/>: the API explorer keeps only the first metadata of a status.</summary>
    internal sealed record DescribedResponse(int StatusCode, Type? Type, string? Description, IEnumerable<string> ContentTypes)
        : IProducesResponseTypeMetadata;
}

using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace Vigil.ControlPlane.Api;

/// <summary>
/// Every response with the sentence its endpoint gave it (<see cref="OpenApiResponses"/>), and every
/// error as RFC 9457 problem details (<c>application/problem+json</c>), with a sentence for each
/// status an endpoint did not describe itself and the 415 that every operation with a body can answer.
/// </summary>
public sealed class OpenApiProblems : IOpenApiOperationTransformer
{
    public const string ProblemJson = "application/problem+json";
    public const string ProblemSchema = "ProblemDetails";
    public const string ValidationProblemSchema = "HttpValidationProblemDetails";

    private static readonly Dictionary<int, string> Descriptions = new()
    {
        [StatusCodes.Status400BadRequest] = "The request is not valid: `errors` names each parameter or field at fault, or `detail` says why the body cannot be read.",
        [StatusCodes.Status404NotFound] = "Nothing has that id (an id that is not a GUID is not found either).",
        [StatusCodes.Status409Conflict] = "The current state does not allow it: `detail` says why and what to do.",
        [StatusCodes.Status415UnsupportedMediaType] = "The body is not JSON: send it with Content-Type application/json.",
        [StatusCodes.Status422UnprocessableEntity] = "The request is understood but cannot be carried out: `detail` says why.",
        [StatusCodes.Status503ServiceUnavailable] = "The database is unavailable: nothing was changed. Retry when /readyz reports ready.",
    };

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Responses ??= [];
        if (operation.RequestBody is not null && !operation.Responses.ContainsKey("415"))
        {
            operation.Responses["415"] = new OpenApiResponse();
        }

        foreach (var described in context.Description.ActionDescriptor.EndpointMetadata.OfType<OpenApiResponses.DescribedResponse>())
        {
            if (operation.Responses.TryGetValue(described.StatusCode.ToString(CultureInfo.InvariantCulture), out var response) && response is OpenApiResponse known)
            {
                known.Description = described.Description;
            }
        }

        foreach (var (code, response) in operation.Responses)
        {
            if (int.TryParse(code, out var status) && status >= 400 && response is OpenApiResponse problem)
            {
                Describe(problem, status, context.Document);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A problem response: its body is problem details, its description says when it happens.</summary>
    public static OpenApiResponse Problem(int status, string description, OpenApiDocument? document)
    {
        var response = new OpenApiResponse { Description = description };
        Describe(response, status, document);
        return response;
    }

    private static void Describe(OpenApiResponse response, int status, OpenApiDocument? document)
    {
        if (string.IsNullOrEmpty(response.Description) || response.Description == ReasonPhrases.GetReasonPhrase(status))
        {
            response.Description = Descriptions.GetValueOrDefault(status, ReasonPhrases.GetReasonPhrase(status));
        }

        // Whatever the endpoint declared, the body the control plane writes is problem details.
        var schema = response.Content?.Values.Select(c => c.Schema).OfType<OpenApiSchemaReference>().FirstOrDefault()?.Reference.Id;
        var id = schema == ValidationProblemSchema || (schema is null && status == StatusCodes.Status400BadRequest) ? ValidationProblemSchema : ProblemSchema;
        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemJson] = new() { Schema = new OpenApiSchemaReference(id, document) },
        };
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Security;

/// <summary>HTTP answers for <see cref="AdministrationResult{T}"/>; each also gives the request's audit entry its detail.</summary>
internal static class AdministrationAnswers
{
    public static Results<Ok<T>, ValidationProblem, ProblemHttpResult> Ok<T>(HttpContext context, AdministrationResult<T> result, Func<T, string> done)
    {
        if (result.Succeeded)
        {
            AuditContext.SetDetail(context, done(result.Value!));
            return TypedResults.Ok(result.Value!);
        }

        AuditContext.SetDetail(context, result.Message);
        return result.Errors is { } errors ? ValidationProblem(result, errors) : Problem(result);
    }

    public static Results<NoContent, ValidationProblem, ProblemHttpResult> NoContent<T>(HttpContext context, AdministrationResult<T> result, Func<T, string> done)
    {
        if (result.Succeeded)
        {
            AuditContext.SetDetail(context, done(result.Value!));
            return TypedResults.NoContent();
        }

        AuditContext.SetDetail(context, result.Message);
        return result.Errors is { } errors ? ValidationProblem(result, errors) : Problem(result);
    }

    public static Results<Created<T>, ValidationProblem, ProblemHttpResult> Created<T>(
        HttpContext context, AdministrationResult<T> result, Func<T, string> location, Func<T, string> done)
    {
        if (result.Succeeded)
        {
            AuditContext.SetDetail(context, done(result.Value!));
            return TypedResults.Created(location(result.Value!), result.Value);
        }

        AuditContext.SetDetail(context, result.Message);
        return result.Errors is { } errors ? ValidationProblem(result, errors) : Problem(result);
    }

    public static ValidationProblem Invalid(HttpContext context, IDictionary<string, string[]> errors, string title)
    {
        AuditContext.SetDetail(context, string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return TypedResults.ValidationProblem(errors, title: title);
    }

    private static ValidationProblem ValidationProblem<T>(AdministrationResult<T> result, IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: result.Title);

    private static ProblemHttpResult Problem<T>(AdministrationResult<T> result) =>
        TypedResults.Problem(statusCode: result.Status, title: result.Title, detail: result.Detail);
}

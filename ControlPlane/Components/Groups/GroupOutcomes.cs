using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Components.Shared;

namespace Vigil.ControlPlane.Components.Groups;

/// <summary>What the groups service answered, in the dashboard's terms: done, or why not with the fields to fix.</summary>
internal static class GroupOutcomes
{
    public static ActionOutcome Of(IResult result, string done) => result switch
    {
        ValidationProblem invalid => Invalid(invalid.ProblemDetails.Errors),
        ProblemHttpResult problem => ActionOutcome.Failed(problem.ProblemDetails.Detail ?? problem.ProblemDetails.Title ?? "refused"),
        _ => ActionOutcome.Done(done),
    };

    private static ActionOutcome Invalid(IDictionary<string, string[]> errors) =>
        ActionOutcome.Failed("not valid: " + string.Join("; ", errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))) with { FieldErrors = errors.ToDictionary() };
}

using Microsoft.AspNetCore.Http.HttpResults;

namespace Vigil.ControlPlane.Nodes;

public static class NodeProblems
{
    /// <summary>404 for an id that is not a GUID or names no node.</summary>
    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Node not found.", detail: $"No node has the id '{id}'.");
}

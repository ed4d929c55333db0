using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>REST surface of agents: enrolment (anonymous, rate limited) and the admin's list, approve, revoke and forget.</summary>
public static class AgentsApi
{
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        var agents = app.MapGroup("/api/v1/agents").WithTags("Agents");
        agents.MapPost("/enroll", Enroll)
            .AllowAnonymous()
            .RequireRateLimiting(RateLimitPolicies.Enrollment)
            .WithName("EnrollAgent")
            .WithSummary("Enrols an agent with an enrollment token and returns its own credential, once.")
            .WithDescription("A node enrolled already replaces its older credential only by presenting it in `credential`; without it the new agent is `Pending` until an admin approves it, which replaces the older one, and the older credential keeps working until then.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        var admin = agents.MapGroup("/").RequireAuthorization(VigilPolicies.Admin);
        admin.MapGet("/", ListAgents)
            .WithName("ListAgents")
            .WithSummary("Lists enrolled agents, newest first, filtered and paged; never their credentials.");
        admin.MapGet("/{id}", GetAgent)
            .WithName("GetAgent")
            .WithSummary("Gets one enrolled agent.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{id}/approve", ApproveAgent)
            .WithName("ApproveAgent")
            .WithSummary("Lets a pending agent connect; an older credential of the same node stops working.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapPost("/{id}/revoke", RevokeAgent)
            .WithName("RevokeAgent")
            .WithSummary("Refuses the agent from now on and closes its connections at once. Its node may enrol again only after the agent is forgotten.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapDelete("/{id}", ForgetAgent)
            .WithName("ForgetAgent")
            .WithSummary("Forgets a revoked agent, so that its node may enrol again.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    internal static async Task<Results<Created<EnrollmentResponse>, ValidationProblem, ProblemHttpResult>> Enroll(
        EnrollmentRequest request, Enrollment enrollment, HttpContext http, CancellationToken cancellationToken)
    {
        AuditContext.SetActor(http, $"agent:{request.NodeId?.ToString() ?? "unknown"}");
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.Token))
        {
            errors["token"] = ["is required"];
        }

        if (request.NodeId is null || request.NodeId == Guid.Empty)
        {
            errors["nodeId"] = ["is required: the agent's node id (a GUID, not all zeros)"];
        }

        var hostName = request.HostName?.Trim();
        if (string.IsNullOrEmpty(hostName) || hostName.Length > 255 || hostName.Any(char.IsControl))
        {
            errors["hostName"] = ["is required: 1 to 255 characters, without control characters"];
        }

        if (errors.Count > 0)
        {
            AuditContext.SetDetail(http, $"refused: {string.Join(", ", errors.Keys)} not valid");
            return TypedResults.ValidationProblem(errors, title: "The enrolment request is not valid.");
        }

        var remote = http.Connection.RemoteIpAddress?.ToString();
        var outcome = await enrollment.EnrollAsync(request.Token!, request.NodeId!.Value, hostName!, remote, request.Credential, cancellationToken);
        if (outcome.Enrolled is { } enrolled)
        {
            AuditContext.SetDetail(http, $"enrolled agent {enrolled.AgentId} ({hostName}) as {enrolled.State} with token '{outcome.TokenName}'"
                + (outcome.Unproven ? "; the node was enrolled already and did not present its current credential, so an admin must approve" : ""));
            return TypedResults.Created($"/api/v1/agents/{enrolled.AgentId}", enrolled);
        }

        var refusal = outcome.Refusal!.Value;
        AuditContext.SetDetail(http, $"refused: {Enrollment.Describe(refusal)}" + (outcome.TokenName is null ? "" : $" (token '{outcome.TokenName}')"));
        return refusal == EnrollmentRefusal.NodeRevoked
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "This node's agent has been revoked.",
                detail: $"Node {request.NodeId} has a revoked agent. An administrator must forget it (Admin → Agents, or DELETE /api/v1/agents/{{id}}) before the node may enrol again.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: TitleOf(refusal), detail: "Ask an administrator for a valid enrollment token (Admin → Enrollment tokens).");
    }

    internal static async Task<Results<Ok<PagedResult<AgentResponse>>, ValidationProblem>> ListAgents(
        Enrollment enrollment,
        NodeRegistry registry,
        AgentConnections connections,
        [Description("Only agents in this state: Pending, Approved or Revoked.")] string? state = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Agents per page, 1 to 500 (default 100).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var stateFilter = query.OneOf<EnrolledAgentState>(state, "state");
        var pageNumber = query.Page(page);
        var size = query.PageSize(pageSize);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await enrollment.ListAgentsAsync(stateFilter, pageNumber, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<AgentResponse>(
            items.Select(a => ResponseOf(a, registry, connections)).ToList(), pageNumber, size, total));
    }

    internal static async Task<Results<Ok<AgentResponse>, ProblemHttpResult>> GetAgent(
        [Description("The agent's id (a GUID).")] string id, Enrollment enrollment, NodeRegistry registry, AgentConnections connections, CancellationToken cancellationToken) =>
        Guid.TryParse(id, out var agentId) && await enrollment.FindAgentAsync(agentId, cancellationToken) is { } agent
            ? TypedResults.Ok(ResponseOf(agent, registry, connections))
            : NotFound(id);

    internal static Task<Results<Ok<AgentResponse>, ProblemHttpResult>> ApproveAgent(
        [Description("The agent's id (a GUID).")] string id, Enrollment enrollment, NodeRegistry registry, AgentConnections connections, HttpContext http, CancellationToken cancellationToken) =>
        ChangeAsync(id, "approved", enrollment.ApproveAsync, enrollment, registry, connections, http, cancellationToken);

    internal static Task<Results<Ok<AgentResponse>, ProblemHttpResult>> RevokeAgent(
        [Description("The agent's id (a GUID).")] string id, Enrollment enrollment, NodeRegistry registry, AgentConnections connections, HttpContext http, CancellationToken cancellationToken) =>
        ChangeAsync(id, "revoked", enrollment.RevokeAsync, enrollment, registry, connections, http, cancellationToken);

    internal static async Task<Results<NoContent, ProblemHttpResult>> ForgetAgent(
        [Description("The agent's id (a GUID).")] string id, Enrollment enrollment, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var agentId))
        {
            return NotFound(id);
        }

        var outcome = await enrollment.ForgetAsync(agentId, AuditRecord.ActorOf(http.User), cancellationToken);
        AuditContext.SetDetail(http, $"agent {agentId}: {outcome}");
        return outcome switch
        {
            AgentChangeOutcome.Done => TypedResults.NoContent(),
            AgentChangeOutcome.NotRevoked => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Only a revoked agent can be forgotten.",
                detail: $"Agent {agentId} is not revoked. Revoke it first (POST /api/v1/agents/{agentId}/revoke)."),
            _ => NotFound(id),
        };
    }

    private static async Task<Results<Ok<AgentResponse>, ProblemHttpResult>> ChangeAsync(
        string id,
        string verb,
        Func<Guid, string, CancellationToken, Task<AgentChangeOutcome>> change,
        Enrollment enrollment,
        NodeRegistry registry,
        AgentConnections connections,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var agentId))
        {
            return NotFound(id);
        }

        var outcome = await change(agentId, AuditRecord.ActorOf(http.User), cancellationToken);
        AuditContext.SetDetail(http, outcome == AgentChangeOutcome.Done ? $"agent {agentId} {verb}" : $"agent {agentId}: {outcome}");
        if (outcome == AgentChangeOutcome.IsRevoked)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "A revoked agent cannot be approved.",
                detail: $"Agent {agentId} is revoked. Forget it (DELETE /api/v1/agents/{agentId}) and let its node enrol again.");
        }

        return outcome == AgentChangeOutcome.Done && await enrollment.FindAgentAsync(agentId, cancellationToken) is { } agent
            ? TypedResults.Ok(ResponseOf(agent, registry, connections))
            : NotFound(id);
    }

    internal static AgentResponse ResponseOf(EnrolledAgent agent, NodeRegistry registry, AgentConnections connections) => new(
        agent.Id,
        agent.NodeId,
        registry.Find(agent.NodeId)?.Name ?? agent.HostName,
        agent.HostName,
        agent.State,
        connections.IsConnected(agent.Id),
        agent.EnrolledAt,
        agent.EnrolledFrom,
        agent.EnrollmentTokenId,
        agent.ApprovedAt,
        agent.ApprovedBy,
        agent.RevokedAt,
        agent.RevokedBy,
        agent.LastConnectedAt);

    private static string TitleOf(EnrollmentRefusal refusal) => refusal switch
    {
        EnrollmentRefusal.RevokedToken => "The enrollment token has been revoked.",
        EnrollmentRefusal.ExpiredToken => "The enrollment token has expired.",
        EnrollmentRefusal.UsedUpToken => "The enrollment token has been used up.",
        _ => "The enrollment token is not valid.",
    };

    private static ProblemHttpResult NotFound(string id) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Agent not found.", detail: $"No enrolled agent has the id '{id}'.");
}

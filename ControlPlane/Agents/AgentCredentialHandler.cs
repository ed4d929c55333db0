using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// Authenticates agent connections by the agent's own credential, sent as <c>Authorization: Bearer</c>
/// (or, for clients that cannot set headers on a WebSocket, the <c>access_token</c> query value).
/// Approved and pending agents are authenticated (the hub tells a pending one to wait); revoked and
/// unknown credentials are refused. Every refusal is logged with the remote address (the credential never
/// is) and audited, bounded like other refusals without a valid credential (<see cref="RefusalTally"/>):
/// an agent that keeps presenting a wrong credential does not flood the audit log.
/// </summary>
internal sealed class AgentCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    AgentCredentialCheck credentials)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Agent";
    public const string AgentIdClaim = "vigil:agent";
    public const string NodeIdClaim = "vigil:node";
    public const string StateClaim = "vigil:agent-state";
    public const string UnknownCredentialAction = AgentCredentialCheck.UnknownCredentialAction;
    public const string RevokedCredentialAction = AgentCredentialCheck.RevokedCredentialAction;
    private const string BearerPrefix = "Bearer ";
    private static readonly object UnavailableKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var remote = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var check = await credentials.CheckAsync(PresentedCredential(Request), remote, Request.Path.Value, Context.RequestAborted);
        if (check.Unavailable)
        {
            MarkUnavailable(Context);
        }

        return check.Credential is { } credential
            ? AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(credential), SchemeName))
            : AuthenticateResult.Fail(check.Failure!);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AnswerUnavailable(Context) ? Task.CompletedTask : base.HandleChallengeAsync(properties);

    /// <summary>The credential could not be checked now (the database is busy or away, no deciding instance answers): not the agent's fault.</summary>
    public static void MarkUnavailable(HttpContext context) => context.Items[UnavailableKey] = true;

    /// <summary>
    /// For a request marked by <see cref="MarkUnavailable"/>: 503 with <c>Retry-After: 1</c>, so that the
    /// agent connects again (or to its next address) instead of enrolling again; false for any other.
    /// </summary>
    public static bool AnswerUnavailable(HttpContext context)
    {
        if (!context.Items.ContainsKey(UnavailableKey))
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return true;
    }

    /// <summary>The principal of an authenticated agent connection, which <see cref="CredentialOf"/> reads back.</summary>
    public static ClaimsPrincipal PrincipalOf(AgentCredential credential) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"agent:{credential.NodeId}"),
                new Claim(AgentIdClaim, credential.AgentId.ToString()),
                new Claim(NodeIdClaim, credential.NodeId.ToString()),
                new Claim(StateClaim, credential.State.ToString()),
            ],
            SchemeName));

    /// <summary>The agent's credential as the handler put it in the principal, or null.</summary>
    public static AgentCredential? CredentialOf(ClaimsPrincipal? user)
    {
        var agent = user?.FindFirst(AgentIdClaim)?.Value;
        var node = user?.FindFirst(NodeIdClaim)?.Value;
        var state = user?.FindFirst(StateClaim)?.Value;
        return Guid.TryParse(agent, CultureInfo.InvariantCulture, out var agentId)
            && Guid.TryParse(node, CultureInfo.InvariantCulture, out var nodeId)
            && Enum.TryParse<EnrolledAgentState>(state, out var parsed)
            ? new AgentCredential(agentId, nodeId, parsed)
            : null;
    }

    /// <summary>The credential a request presents: <c>Authorization: Bearer</c>, or the <c>access_token</c> query value.</summary>
    public static string? PresentedCredential(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }

        return request.Query["access_token"].ToString();
    }
}

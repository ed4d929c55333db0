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
internal sealed partial class AgentCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    Enrollment enrollment,
    IAuditTrail audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "Agent";
    public const string AgentIdClaim = "vigil:agent";
    public const string NodeIdClaim = "vigil:node";
    public const string StateClaim = "vigil:agent-state";
    public const string UnknownCredentialAction = "agent.connect.unknown-credential";
    public const string RevokedCredentialAction = "agent.connect.revoked-credential";
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedCredential();
        var remote = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (string.IsNullOrEmpty(presented))
        {
            LogRefused(Logger, remote, "no agent credential presented");
            await AuditRefusalAsync(UnknownCredentialAction, AuditRecord.Anonymous, "no agent credential presented");
            return AuthenticateResult.Fail("No agent credential was presented.");
        }

        var credential = await enrollment.AuthenticateAsync(presented, Context.RequestAborted);
        if (credential is null)
        {
            LogRefused(Logger, remote, "unknown agent credential (the agent must enrol)");
            await AuditRefusalAsync(UnknownCredentialAction, AuditRecord.Anonymous, "unknown agent credential");
            return AuthenticateResult.Fail("The agent credential is not known.");
        }

        if (credential.State == EnrolledAgentState.Revoked)
        {
            LogRevokedRefused(Logger, credential.AgentId, credential.NodeId, remote);
            await AuditRefusalAsync(RevokedCredentialAction, $"agent:{credential.NodeId}", $"revoked credential of agent {credential.AgentId}");
            return AuthenticateResult.Fail("The agent credential has been revoked.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"agent:{credential.NodeId}"),
                new Claim(AgentIdClaim, credential.AgentId.ToString()),
                new Claim(NodeIdClaim, credential.NodeId.ToString()),
                new Claim(StateClaim, credential.State.ToString()),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

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

    private Task AuditRefusalAsync(string action, string actor, string detail) =>
        audit.RecordAsync(
            new AuditRecord(actor, action, Request.Path.Value, Context.Connection.RemoteIpAddress?.ToString(), AuditOutcome.Denied, detail) { Unauthenticated = true },
            CancellationToken.None);

    private string? PresentedCredential()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }

        return Request.Query["access_token"].ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection from {RemoteAddress} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection from {RemoteAddress} refused: agent {AgentId} of node {NodeId} is revoked")]
    private static partial void LogRevokedRefused(ILogger logger, Guid agentId, Guid nodeId, string remoteAddress);
}

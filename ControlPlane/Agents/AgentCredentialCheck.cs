using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// What checking a presented agent credential came to: the credential, or why it is refused.
/// <paramref name="Unavailable"/>: not the credential's fault but the database's (busy or away); the
/// connection is answered 503, so the agent tries again or elsewhere and keeps its credential.
/// </summary>
public sealed record CredentialCheck(AgentCredential? Credential, string? Failure, bool Unavailable = false);

/// <summary>
/// Checks the credential an agent connection presents, for the connections this instance holds and
/// for those a standing-by instance relays. Approved and pending agents pass (the hub tells a pending
/// one to wait); revoked and unknown credentials are refused. Every refusal is logged with the remote
/// address (the credential never is) and audited, bounded like other refusals without a valid
/// credential: an agent that keeps presenting a wrong credential does not flood the audit log.
/// </summary>
public sealed partial class AgentCredentialCheck(Enrollment enrollment, IAuditTrail audit, ILogger<AgentCredentialCheck> logger)
{
    public const string UnknownCredentialAction = "agent.connect.unknown-credential";
    public const string RevokedCredentialAction = "agent.connect.revoked-credential";

    public async Task<CredentialCheck> CheckAsync(string? presented, string remoteAddress, string? path, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented))
        {
            LogRefused(remoteAddress, "no agent credential presented");
            await AuditRefusalAsync(UnknownCredentialAction, AuditRecord.Anonymous, "no agent credential presented", remoteAddress, path);
            return new CredentialCheck(null, "No agent credential was presented.");
        }

        AgentCredential? credential;
        try
        {
            credential = await enrollment.AuthenticateAsync(presented, cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            // Many agents connecting at once (a takeover) or a database away: neither is worth a log line each.
            LogUnavailable(remoteAddress, exception.Message);
            return new CredentialCheck(null, $"The control plane cannot check agent credentials now ({exception.Message}); connect again shortly.", Unavailable: true);
        }

        if (credential is null)
        {
            LogRefused(remoteAddress, "unknown agent credential (the agent must enrol)");
            await AuditRefusalAsync(UnknownCredentialAction, AuditRecord.Anonymous, "unknown agent credential", remoteAddress, path);
            return new CredentialCheck(null, "The agent credential is not known.");
        }

        if (credential.State == EnrolledAgentState.Revoked)
        {
            LogRevokedRefused(credential.AgentId, credential.NodeId, remoteAddress);
            await AuditRefusalAsync(RevokedCredentialAction, $"agent:{credential.NodeId}", $"revoked credential of agent {credential.AgentId}", remoteAddress, path);
            return new CredentialCheck(null, "The agent credential has been revoked.");
        }

        return new CredentialCheck(credential, null);
    }

    private Task AuditRefusalAsync(string action, string actor, string detail, string remoteAddress, string? path) =>
        audit.RecordAsync(
            new AuditRecord(actor, action, path, remoteAddress, AuditOutcome.Denied, detail) { Unauthenticated = true },
            CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection from {RemoteAddress} refused: {Reason}")]
    private partial void LogRefused(string remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent connection from {RemoteAddress} answered 503: its credential cannot be checked now: {Reason}")]
    private partial void LogUnavailable(string remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection from {RemoteAddress} refused: agent {AgentId} of node {NodeId} is revoked")]
    private partial void LogRevokedRefused(Guid agentId, Guid nodeId, string remoteAddress);
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>Why an enrolment was refused.</summary>
public enum EnrollmentRefusal
{
    UnknownToken,
    RevokedToken,
    ExpiredToken,
    UsedUpToken,

    /// <summary>The node has a revoked credential: an admin must forget it before the node may enrol again.</summary>
    NodeRevoked,
}

/// <summary>An agent's state changed; <see cref="State"/> null: it is gone (replaced by a newer credential, or forgotten).</summary>
public sealed record AgentStateChange(Guid AgentId, Guid NodeId, string HostName, EnrolledAgentState? State, DateTimeOffset At);

/// <summary>An enrolment's result: the new credential, or why there is none.</summary>
/// <param name="Unproven">The node was enrolled already and did not present its current credential: the new one awaits an admin's approval.</param>
public sealed record EnrollmentOutcome(EnrollmentResponse? Enrolled, EnrollmentRefusal? Refusal, string? TokenName, bool Unproven = false);

/// <summary>
/// Agents' credentials: enrolment with a token, the hub's look-up of a presented credential, and the
/// admin's approve, revoke and forget. A credential found once is remembered, so that agents already
/// known can reconnect while the database is away or does not answer in time; while it answers, its
/// word (a revocation) is the one that counts.
/// </summary>
public sealed partial class Enrollment(
    IDbContextFactory<VigilDbContext> databases,
    AgentConnections connections,
    AgentDatabaseCalls databaseCalls,
    IOptionsMonitor<AgentsOptions> options,
    TimeProvider time,
    ILogger<Enrollment> logger)
{
    private const int MaxAttempts = 10;
    private readonly ConcurrentDictionary<string, AgentCredential> _known = new();

    /// <summary>Raised when an agent enrolled, was approved, revoked, replaced or forgotten (for alerts).</summary>
    public event Action<AgentStateChange>? AgentChanged;

    /// <summary>
    /// Enrols a node with a token. A node enrolled already replaces its credential only by presenting
    /// it (<paramref name="currentCredential"/>); otherwise anyone holding a token could take over the
    /// node's identity, so the new credential waits for an admin's approval, and the current one works
    /// until then.
    /// </summary>
    public async Task<EnrollmentOutcome> EnrollAsync(string token, Guid nodeId, string hostName, string? from, string? currentCredential, CancellationToken cancellationToken)
    {
        if (!Secrets.IsPlausible(token))
        {
            return Refused(nodeId, from, EnrollmentRefusal.UnknownToken, null);
        }

        var tokenHash = Secrets.Hash(token);
        var standing = IsStandingToken(tokenHash);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            var now = time.GetUtcNow();
            EnrollmentToken? row = null;
            if (!standing)
            {
                row = await db.EnrollmentTokens.SingleOrDefaultAsync(t => t.SecretHash == tokenHash, cancellationToken);
                if (RefusalOf(row, now) is { } refusal)
                {
                    return Refused(nodeId, from, refusal, row?.Name);
                }
            }

            var tokenName = row?.Name ?? StandingTokenName;
            var earlier = await db.Agents.Where(a => a.NodeId == nodeId).ToListAsync(cancellationToken);
            if (earlier.Any(a => a.State == EnrolledAgentState.Revoked))
            {
                return Refused(nodeId, from, EnrollmentRefusal.NodeRevoked, tokenName);
            }

            // A node enrolling again with its current credential replaces it; without it, it waits for an admin.
            var unproven = earlier.Count > 0 && !Presents(earlier, currentCredential);
            var replaced = unproven ? [] : earlier;
            db.Agents.RemoveRange(replaced);
            if (row is not null)
            {
                row.Uses++;
            }

            var agentId = Guid.NewGuid();
            var (credential, hash) = Secrets.Create(Secrets.AgentCredentialKind, agentId);
            var state = row?.RequiresApproval == true || unproven ? EnrolledAgentState.Pending : EnrolledAgentState.Approved;
            var enrolled = new EnrolledAgent
            {
                Id = agentId,
                NodeId = nodeId,
                HostName = hostName,
                SecretHash = hash,
                EnrollmentTokenId = row?.Id,
                EnrolledAt = now,
                EnrolledFrom = from,
                State = state,
                ApprovedAt = state == EnrolledAgentState.Approved ? now : null,
                ApprovedBy = state == EnrolledAgentState.Approved ? $"token:{tokenName}" : null,
            };
            db.Agents.Add(enrolled);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Another enrolment took a use of the token (or replaced the same node) first: look again.
                continue;
            }

            Forget(replaced);
            Changed(enrolled, state);
            if (unproven)
            {
                LogUnproven(nodeId, hostName, agentId, tokenName, from ?? "unknown");
            }

            LogEnrolled(nodeId, hostName, agentId, state, tokenName, from ?? "unknown");
            return new EnrollmentOutcome(new EnrollmentResponse(agentId, credential, state), null, tokenName, unproven);
        }
    }

    /// <summary>The credential's agent, or null when no agent has it. Revoked credentials are returned, marked so.</summary>
    public async Task<AgentCredential?> AuthenticateAsync(string presented, CancellationToken cancellationToken)
    {
        if (!Secrets.IsPlausible(presented))
        {
            return null;
        }

        var hash = Secrets.Hash(presented);
        var key = Convert.ToBase64String(hash);
        try
        {
            var found = await databaseCalls.RunAsync(
                async token =>
                {
                    await using var db = await databases.CreateDbContextAsync(token);
                    return await db.Agents.AsNoTracking()
                        .Where(a => a.SecretHash == hash)
                        .Select(a => new AgentCredential(a.Id, a.NodeId, a.State))
                        .SingleOrDefaultAsync(token);
                },
                cancellationToken);
            if (found is null)
            {
                _known.TryRemove(key, out _);
            }
            else
            {
                _known[key] = found;
            }

            return found;
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            if (_known.TryGetValue(key, out var remembered))
            {
                LogRemembered(remembered.AgentId, remembered.NodeId, exception.Message);
                return remembered;
            }

            throw;
        }
    }

    /// <summary>A refusal in an operator's words; never the token.</summary>
    public static string Describe(EnrollmentRefusal refusal) => refusal switch
    {
        EnrollmentRefusal.UnknownToken => "wrong enrollment token (no such token)",
        EnrollmentRefusal.RevokedToken => "the enrollment token is revoked",
        EnrollmentRefusal.ExpiredToken => "the enrollment token has expired",
        EnrollmentRefusal.UsedUpToken => "the enrollment token is used up",
        _ => "the node's agent is revoked; an admin must forget it before the node may enrol again",
    };

    private EnrollmentOutcome Refused(Guid nodeId, string? from, EnrollmentRefusal refusal, string? tokenName)
    {
        LogRefused(nodeId, from ?? "unknown", Describe(refusal), tokenName ?? "-");
        return new EnrollmentOutcome(null, refusal, tokenName);
    }

    private static bool Presents(IEnumerable<EnrolledAgent> agents, string? credential)
    {
        if (credential is null || !Secrets.IsPlausible(credential))
        {
            return false;
        }

        var hash = Secrets.Hash(credential);
        return agents.Any(a => a.State != EnrolledAgentState.Revoked && CryptographicOperations.FixedTimeEquals(a.SecretHash, hash));
    }

    /// <summary>Ends the connections of replaced credentials and forgets them.</summary>
    private void Forget(IEnumerable<EnrolledAgent> replaced)
    {
        foreach (var agent in replaced)
        {
            connections.Revoke(agent.Id);
            Remember(agent.Id, null);
            Changed(agent, null);
        }
    }

    private void Changed(EnrolledAgent agent, EnrolledAgentState? state) =>
        AgentChanged?.Invoke(new AgentStateChange(agent.Id, agent.NodeId, agent.HostName, state, time.GetUtcNow()));

    /// <summary>The name agents enrolled with <c>Agents:EnrollmentToken</c> are recorded under.</summary>
    public const string StandingTokenName = "Agents:EnrollmentToken";

    private bool IsStandingToken(byte[] presentedHash)
    {
        var standing = options.CurrentValue.EnrollmentToken;
        return standing.Length > 0 && CryptographicOperations.FixedTimeEquals(presentedHash, Secrets.Hash(standing));
    }

    private static EnrollmentRefusal? RefusalOf(EnrollmentToken? token, DateTimeOffset now) => token switch
    {
        null => EnrollmentRefusal.UnknownToken,
        { RevokedAt: not null } => EnrollmentRefusal.RevokedToken,
        _ when token.ExpiresAt <= now => EnrollmentRefusal.ExpiredToken,
        _ when token.Uses >= token.MaxUses => EnrollmentRefusal.UsedUpToken,
        _ => null,
    };

    /// <summary>Keeps remembered credentials in step with a change of state (null: the credential is gone).</summary>
    private void Remember(Guid agentId, EnrolledAgentState? state)
    {
        foreach (var (key, credential) in _known)
        {
            if (credential.AgentId != agentId)
            {
                continue;
            }

            if (state is { } changed)
            {
                _known[key] = credential with { State = changed };
            }
            else
            {
                _known.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} ({HostName}) enrolled as agent {AgentId}, {State}, with enrollment token {TokenName} from {RemoteAddress}")]
    private partial void LogEnrolled(Guid nodeId, string hostName, Guid agentId, EnrolledAgentState state, string tokenName, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} ({HostName}) is enrolled already and enrolled again as agent {AgentId} with enrollment token {TokenName} from {RemoteAddress} without presenting its current credential: the new agent awaits an admin's approval (Admin → Agents), which replaces the current one")]
    private partial void LogUnproven(Guid nodeId, string hostName, Guid agentId, string tokenName, string remoteAddress);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Enrolment of node {NodeId} from {RemoteAddress} refused: {Reason} (token name {TokenName})")]
    private partial void LogRefused(Guid nodeId, string remoteAddress, string reason, string tokenName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent {AgentId} of node {NodeId} accepted as last known, the database cannot be read: {Reason}")]
    private partial void LogRemembered(Guid agentId, Guid nodeId, string reason);
}

using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>What an agent sends to enrol; an agent enrolled already adds its current <paramref name="Credential"/> to replace it without an admin's approval.</summary>
public sealed record EnrollmentRequest(string? Token, Guid? NodeId, string? HostName, string? Credential = null);

/// <summary>The agent's own credential, shown once.</summary>
public sealed record EnrollmentResponse(Guid AgentId, string Credential, EnrolledAgentState State);

/// <summary>A new enrollment token: a lifetime (<c>expiresIn</c>, e.g. <c>7.00:00:00</c> or <c>P7D</c>) or an end (<c>expiresAt</c>).</summary>
public sealed record EnrollmentTokenRequest(string? Name, string? ExpiresIn, DateTimeOffset? ExpiresAt, int? MaxUses, bool? RequiresApproval);

public enum EnrollmentTokenState
{
    Active,
    Expired,
    UsedUp,
    Revoked,
}

/// <summary>An enrollment token as listed: never its secret.</summary>
public sealed record EnrollmentTokenResponse(
    Guid Id,
    string Name,
    EnrollmentTokenState State,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset ExpiresAt,
    int MaxUses,
    int Uses,
    bool RequiresApproval,
    DateTimeOffset? RevokedAt)
{
    public static EnrollmentTokenResponse From(EnrollmentToken token, DateTimeOffset now) => new(
        token.Id,
        token.Name,
        StateOf(token, now),
        token.CreatedAt,
        token.CreatedBy,
        token.ExpiresAt,
        token.MaxUses,
        token.Uses,
        token.RequiresApproval,
        token.RevokedAt);

    public static EnrollmentTokenState StateOf(EnrollmentToken token, DateTimeOffset now) =>
        token.RevokedAt is not null ? EnrollmentTokenState.Revoked
        : token.ExpiresAt <= now ? EnrollmentTokenState.Expired
        : token.Uses >= token.MaxUses ? EnrollmentTokenState.UsedUp
        : EnrollmentTokenState.Active;
}

/// <summary>A new enrollment token with its secret, shown this once.</summary>
public sealed record EnrollmentTokenCreated(EnrollmentTokenResponse Details, string Token);

/// <summary>An enrolled agent as listed: never its credential.</summary>
public sealed record AgentResponse(
    Guid Id,
    Guid NodeId,
    string NodeName,
    string HostName,
    EnrolledAgentState State,
    bool Connected,
    DateTimeOffset EnrolledAt,
    string? EnrolledFrom,
    Guid? EnrollmentTokenId,
    DateTimeOffset? ApprovedAt,
    string? ApprovedBy,
    DateTimeOffset? RevokedAt,
    string? RevokedBy,
    DateTimeOffset? LastConnectedAt);

/// <summary>An agent's credential as the hub knows it.</summary>
public sealed record AgentCredential(Guid AgentId, Guid NodeId, EnrolledAgentState State);

namespace Vigil.ControlPlane.Data.Security;

/// <summary>An agent's own credential, bound to one node id. Only its SHA-256 is kept.</summary>
public sealed class EnrolledAgent
{
    /// <summary>The credential's public id (the part before the secret).</summary>
    public Guid Id { get; set; }

    /// <summary>The node this credential may register as; one live credential per node.</summary>
    public Guid NodeId { get; set; }

    public required string HostName { get; set; }

    public required byte[] SecretHash { get; set; }

    public Guid? EnrollmentTokenId { get; set; }

    public DateTimeOffset EnrolledAt { get; set; }

    public string? EnrolledFrom { get; set; }

    public EnrolledAgentState State { get; set; }

    public DateTimeOffset? ApprovedAt { get; set; }

    public string? ApprovedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedBy { get; set; }

    public DateTimeOffset? LastConnectedAt { get; set; }
}

public enum EnrolledAgentState
{
    /// <summary>Enrolled with a token that requires approval; may not connect yet.</summary>
    Pending,
    Approved,
    /// <summary>Refused from now on; the node must be forgotten before it can enrol again.</summary>
    Revoked,
}

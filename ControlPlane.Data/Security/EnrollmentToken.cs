namespace Vigil.ControlPlane.Data.Security;

/// <summary>
/// Lets agents enrol: each use registers one agent and gives it its own credential. Shown once at
/// creation; only its SHA-256 is kept.
/// </summary>
public sealed class EnrollmentToken
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required byte[] SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>How many agents may enrol with it.</summary>
    public int MaxUses { get; set; }

    public int Uses { get; set; }

    /// <summary>Agents enrolled with it wait for an admin's approval before they may connect.</summary>
    public bool RequiresApproval { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

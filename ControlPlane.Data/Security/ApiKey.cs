namespace Vigil.ControlPlane.Data.Security;

/// <summary>
/// A key for the REST API with one role. The key itself is shown once, at creation; only its
/// SHA-256 is kept (it holds 256 random bits, so no slow hash is needed).
/// </summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    /// <summary>SHA-256 of the whole key; the key is found by it.</summary>
    public required byte[] SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

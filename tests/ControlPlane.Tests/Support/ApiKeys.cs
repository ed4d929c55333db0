using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>Stores API keys straight in the host's database, for tests that need a key of some role.</summary>
public static class ApiKeys
{
    /// <summary>A new key with <paramref name="role"/>; revoked or expired when asked. Returns the key's text.</summary>
    public static async Task<string> AddAsync(ControlPlaneHost host, string role, bool revoked = false, bool expired = false, string? name = null)
    {
        var id = Guid.NewGuid();
        var (text, hash) = Secrets.Create(Secrets.ApiKeyKind, id);
        var now = DateTimeOffset.UtcNow;
        await using var db = await host.OpenDatabaseAsync();
        db.ApiKeys.Add(new ApiKey
        {
            Id = id,
            Name = name ?? $"{role.ToLowerInvariant()}-{id:N}"[..20],
            Role = role,
            SecretHash = hash,
            CreatedAt = now,
            CreatedBy = "test",
            ExpiresAt = expired ? now.AddMinutes(-1) : now.AddDays(1),
            RevokedAt = revoked ? now : null,
        });
        await db.SaveChangesAsync();
        return text;
    }
}

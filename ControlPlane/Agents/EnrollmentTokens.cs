using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>Enrollment tokens: created by an admin (the secret shown once), listed, revoked.</summary>
public sealed partial class EnrollmentTokens(
    IDbContextFactory<VigilDbContext> databases,
    TimeProvider time,
    ILogger<EnrollmentTokens> logger)
{
    public async Task<EnrollmentTokenCreated> CreateAsync(
        string name, DateTimeOffset expiresAt, int maxUses, bool requiresApproval, string actor, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        var (text, hash) = Secrets.Create(Secrets.EnrollmentTokenKind, id);
        var token = new EnrollmentToken
        {
            Id = id,
            Name = name,
            SecretHash = hash,
            CreatedAt = time.GetUtcNow(),
            CreatedBy = actor,
            ExpiresAt = expiresAt,
            MaxUses = maxUses,
            RequiresApproval = requiresApproval,
        };
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        db.EnrollmentTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        LogCreated(id, name, maxUses, expiresAt, requiresApproval, actor);
        return new EnrollmentTokenCreated(EnrollmentTokenResponse.From(token, time.GetUtcNow()), text);
    }

    /// <summary>Tokens, newest first.</summary>
    public async Task<(IReadOnlyList<EnrollmentTokenResponse> Page, int Total)> ListAsync(int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var total = await db.EnrollmentTokens.CountAsync(cancellationToken);
        var rows = await db.EnrollmentTokens.AsNoTracking().OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id)
            .Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return (rows.Select(t => EnrollmentTokenResponse.From(t, now)).ToList(), total);
    }

    public async Task<EnrollmentTokenResponse?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.EnrollmentTokens.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        return token is null ? null : EnrollmentTokenResponse.From(token, time.GetUtcNow());
    }

    /// <summary>No agent may enrol with the token from now on; agents already enrolled keep their credentials.</summary>
    public async Task<EnrollmentTokenResponse?> RevokeAsync(Guid id, string actor, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var token = await db.EnrollmentTokens.SingleOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (token is null)
        {
            return null;
        }

        if (token.RevokedAt is null)
        {
            token.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            LogRevoked(id, token.Name, actor);
        }

        return EnrollmentTokenResponse.From(token, time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrollment token {TokenId} ({TokenName}) created by {Actor}: {MaxUses} use(s) until {ExpiresAt}, approval required: {RequiresApproval}")]
    private partial void LogCreated(Guid tokenId, string tokenName, int maxUses, DateTimeOffset expiresAt, bool requiresApproval, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrollment token {TokenId} ({TokenName}) revoked by {Actor}")]
    private partial void LogRevoked(Guid tokenId, string tokenName, string actor);
}

using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// Issues and revokes API keys for the API and the dashboard. A key's text is returned once, by
/// <see cref="IssueAsync"/>; only its SHA-256 is stored. Keys always expire: 90 days unless asked
/// otherwise, at most <see cref="MaxLifetime"/>.
/// </summary>
public sealed class ApiKeyIssuer(IDbContextFactory<VigilDbContext> databases, ApiKeyCache cache, TimeProvider time)
{
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 365;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(MaxLifetimeDays);

    public async Task<AdministrationResult<CreatedApiKeyResponse>> IssueAsync(CreateApiKeyRequest request, string createdBy, CancellationToken cancellationToken)
    {
        var now = Now();
        var errors = new Dictionary<string, string[]>();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["is required"];
        }
        else if (name.Length > SecurityLimits.NameMaxLength)
        {
            errors["name"] = [$"must be at most {SecurityLimits.NameMaxLength} characters"];
        }

        var role = VigilRoles.Parse(request.Role);
        if (role is null)
        {
            errors["role"] = [$"must be one of {string.Join(", ", VigilRoles.All)}"];
        }

        var expiresAt = ExpiryOf(request, now, errors);
        if (errors.Count > 0)
        {
            return AdministrationResult.Invalid<CreatedApiKeyResponse>(errors, "The API key is not valid.");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
        {
            return AdministrationResult.Invalid<CreatedApiKeyResponse>("name", "is already the name of a key that is not revoked", "The API key is not valid.");
        }

        var id = Guid.CreateVersion7(now);
        var (text, hash) = Secrets.Create(Secrets.ApiKeyKind, id);
        var key = new ApiKey
        {
            Id = id,
            Name = name!,
            Role = role!,
            SecretHash = hash,
            CreatedAt = now,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return AdministrationResult.Done<CreatedApiKeyResponse>(new CreatedApiKeyResponse(ApiKeyResponse.From(key, now), text));
    }

    /// <summary>Keys newest first; revoked ones only when asked.</summary>
    public async Task<(IReadOnlyList<ApiKeyResponse> Items, int Total)> ListAsync(bool includeRevoked, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var keys = db.ApiKeys.AsNoTracking();
        if (!includeRevoked)
        {
            keys = keys.Where(k => k.RevokedAt == null);
        }

        var total = await keys.CountAsync(cancellationToken);
        var items = await keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .ToListAsync(cancellationToken);
        var now = Now();
        return ([.. items.Select(k => ApiKeyResponse.From(k, now))], total);
    }

    public async Task<ApiKeyResponse?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        return key is null ? null : ApiKeyResponse.From(key, time.GetUtcNow());
    }

    /// <summary>Revokes the key at once; revoking a revoked key changes nothing.</summary>
    public async Task<AdministrationResult<ApiKeyResponse>> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken);
        if (key is null)
        {
            return AdministrationResult.NotFound<ApiKeyResponse>("API key not found.", $"No API key has the id '{id}'.");
        }

        var now = Now();
        if (key.RevokedAt is null)
        {
            key.RevokedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        // The authentication handler keeps recently read keys for a while; this one must not be.
        cache.Forget(id);

        return AdministrationResult.Done<ApiKeyResponse>(ApiKeyResponse.From(key, now));
    }

    /// <summary>Now, to the millisecond: what is answered equals what is read back later from any database.</summary>
    private DateTimeOffset Now()
    {
        var now = time.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
    }

    private static DateTimeOffset? ExpiryOf(CreateApiKeyRequest request, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (request.ExpiresAt is { } at)
        {
            if (request.ExpiresInDays is not null)
            {
                errors["expiresInDays"] = ["give either expiresAt or expiresInDays, not both"];
            }
            else if (at <= now || at > now + MaxLifetime)
            {
                errors["expiresAt"] = [$"must be in the future and at most {MaxLifetimeDays} days ahead"];
            }

            return at;
        }

        var days = request.ExpiresInDays ?? DefaultLifetimeDays;
        if (days is < 1 or > MaxLifetimeDays)
        {
            errors["expiresInDays"] = [$"must be from 1 to {MaxLifetimeDays}"];
            return null;
        }

        return now.AddDays(days);
    }
}

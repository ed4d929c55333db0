using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <param name="Name">What the key is for, unique among keys not revoked (e.g. <c>ci-deploy</c>); at most 100 characters.</param>
/// <param name="Role">Admin, Operator or Viewer.</param>
/// <param name="ExpiresAt">When the key stops working; at most a year ahead. Give this or <paramref name="ExpiresInDays"/>, not both.</param>
/// <param name="ExpiresInDays">Days until the key stops working, 1 to 365; 90 when neither is given.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Role, DateTimeOffset? ExpiresAt, int? ExpiresInDays);

public enum ApiKeyState
{
    Active,
    Expired,
    Revoked,
}

/// <summary>An API key as listed: never its text or its hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id,
    string Name,
    string Role,
    ApiKeyState State,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKey key, DateTimeOffset now) => new(
        key.Id,
        key.Name,
        key.Role,
        key.RevokedAt is not null ? ApiKeyState.Revoked : key.ExpiresAt <= now ? ApiKeyState.Expired : ApiKeyState.Active,
        key.CreatedAt,
        key.CreatedBy,
        key.ExpiresAt,
        key.LastUsedAt,
        key.RevokedAt);
}

/// <summary>A new key: <paramref name="Key"/> is its text, shown only in this response; send it as the <c>X-API-Key</c> header.</summary>
public sealed record CreatedApiKeyResponse(ApiKeyResponse ApiKey, string Key);

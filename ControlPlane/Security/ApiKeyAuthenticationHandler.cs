using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// Authenticates REST requests by the <c>X-API-Key</c> header: the key is found by its hash, and
/// must be neither revoked nor expired. The principal is named <c>key:NAME</c> and has the key's
/// role. The key's last use is written at most once a minute. Keys are never logged.
/// </summary>
internal sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IDbContextFactory<VigilDbContext> databases,
    ApiKeyUseRecorder uses,
    ApiKeyCache cache)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";
    public const string KeyIdClaim = "vigil:api-key";
    private const string UncheckedKey = "Vigil.ApiKey.Unchecked";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = values.ToString();
        var remote = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (!Secrets.IsPlausible(presented))
        {
            LogRefused(Logger, remote, "malformed key");
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        var hash = Secrets.Hash(presented);
        var now = TimeProvider.GetUtcNow();
        ApiKey? key;
        try
        {
            key = await FindAsync(hash, now);
        }
        catch (DatabaseUnavailableException)
        {
            Context.Items[UncheckedKey] = true;
            return AuthenticateResult.Fail("The API key cannot be checked while the database is unavailable.");
        }

        var refusal = key switch
        {
            null => "unknown key",
            { RevokedAt: not null } => $"key {key.Name} is revoked",
            { ExpiresAt: { } expiry } when expiry <= now => $"key {key.Name} expired",
            _ => null,
        };
        if (refusal is not null)
        {
            LogRefused(Logger, remote, refusal);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        uses.Used(key!.Id, now);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"key:{key.Name}"),
                new Claim(ClaimTypes.Role, key.Role),
                new Claim(KeyIdClaim, key.Id.ToString()),
            ],
            SchemeName,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>
    /// The key with this hash: from the database, or from what was read of it in the last
    /// <see cref="ApiKeyCache.FreshFor"/>; while the database is away, from what was last read.
    /// </summary>
    private async Task<ApiKey?> FindAsync(byte[] hash, DateTimeOffset now)
    {
        if (cache.TryGetFresh(hash, now, out var cached))
        {
            return cached;
        }

        try
        {
            await using var db = await databases.CreateDbContextAsync(Context.RequestAborted);
            var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.SecretHash == hash, Context.RequestAborted);
            cache.Remember(hash, key, now);
            return key;
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            if (cache.TryGetAny(hash, out var stale))
            {
                return stale;
            }

            throw new DatabaseUnavailableException();
        }
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UncheckedKey))
        {
            Response.Headers.RetryAfter = "5";
            return ProblemResponses.WriteAsync(Context, StatusCodes.Status503ServiceUnavailable, "The database is unavailable.",
                "The API key cannot be checked until it is back. Nothing was changed. Try again when /readyz reports ready.");
        }

        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        return ProblemResponses.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication is required.",
            $"Send a valid API key in the {HeaderName} header, or sign in to the dashboard.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ProblemResponses.WriteAsync(Context, StatusCodes.Status403Forbidden, "Your role does not allow this.",
            "The key's role is not enough for this request.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "API request from {RemoteAddress} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, string reason);
}

internal sealed class DatabaseUnavailableException : Exception;

/// <summary>Keeps the last use of each API key, and writes it at most once a minute per key.</summary>
internal sealed partial class ApiKeyUseRecorder(IDbContextFactory<VigilDbContext> databases, ILogger<ApiKeyUseRecorder> logger)
{
    private static readonly TimeSpan WriteEvery = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _lastWritten = new();

    public void Used(Guid keyId, DateTimeOffset at)
    {
        if (_lastWritten.TryGetValue(keyId, out var written) && at - written < WriteEvery)
        {
            return;
        }

        _lastWritten[keyId] = at;
        _ = WriteAsync(keyId, at);
    }

    private async Task WriteAsync(Guid keyId, DateTimeOffset at)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync();
            await db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, at));
        }
        catch (Exception exception)
        {
            _lastWritten.TryRemove(keyId, out _);
            LogNotWritten(exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not record an API key's last use: {Error}")]
    private partial void LogNotWritten(string error);
}

using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// Authenticates agent connections by the enrollment token, sent as <c>Authorization: Bearer</c>
/// (or, for clients that cannot set headers on a WebSocket, the <c>access_token</c> query value).
/// Every refusal is logged with the remote address; the token itself never is.
/// </summary>
internal sealed partial class EnrollmentTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IOptionsMonitor<AgentsOptions> agents)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "EnrollmentToken";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedToken();
        var remote = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (string.IsNullOrEmpty(presented))
        {
            LogRefused(Logger, remote, "no enrollment token presented");
            return Task.FromResult(AuthenticateResult.Fail("No enrollment token was presented."));
        }

        var expected = agents.CurrentValue.EnrollmentToken;
        if (expected.Length == 0)
        {
            LogRefused(Logger, remote, "no enrollment token is configured (Agents:EnrollmentToken), so every agent is refused");
            return Task.FromResult(AuthenticateResult.Fail("This control plane accepts no agents yet."));
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)))
        {
            LogRefused(Logger, remote, "wrong enrollment token");
            return Task.FromResult(AuthenticateResult.Fail("The enrollment token is not valid."));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, "Agent")], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    private string? PresentedToken()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }

        return Request.Query["access_token"].ToString();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection from {RemoteAddress} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string remoteAddress, string reason);
}

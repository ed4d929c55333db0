using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// Authenticates the agent connections of a standing-by instance by asking the deciding instance
/// (<see cref="AgentCredentialCheck"/> there), which refuses, logs and audits exactly as for its own
/// connections. No deciding instance reachable: the connection is refused, and the agent tries its next address.
/// </summary>
internal sealed class RelayedCredentialHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    DeciderRelay relay)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = new RelayedCredential(
            AgentCredentialHandler.PresentedCredential(Request) ?? "",
            Context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            Request.Path.Value ?? "");
        try
        {
            var reply = await relay.CallAsync(RelayedCallKind.Authenticate, null, presented, Context.RequestAborted);
            var credential = reply.Result?.Deserialize<AgentCredential>(RelayChannels.Json);
            return credential is null
                ? AuthenticateResult.Fail("The deciding control plane returned no credential.")
                : AuthenticateResult.Success(new AuthenticationTicket(AgentCredentialHandler.PrincipalOf(credential), AgentCredentialHandler.SchemeName));
        }
        catch (HubException refusal)
        {
            return AuthenticateResult.Fail(refusal.Message);
        }
        catch (RelayUnavailableException exception)
        {
            AgentCredentialHandler.MarkUnavailable(Context);
            return AuthenticateResult.Fail(exception.Message);
        }
    }

    /// <summary>Not the agent's credential but the relay is at fault: 503, so that the agent tries again or another address instead of enrolling again.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AgentCredentialHandler.AnswerUnavailable(Context) ? Task.CompletedTask : base.HandleChallengeAsync(properties);
}

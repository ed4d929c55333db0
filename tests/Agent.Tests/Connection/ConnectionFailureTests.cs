using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;
using Vigil.Agent.Connection;

namespace Vigil.Agent.Tests.Connection;

/// <summary>Failures as the SignalR client reports them (messages taken from real runs against a control plane).</summary>
public sealed class ConnectionFailureTests
{
    [Fact]
    public void A_refused_websocket_upgrade_with_401_means_a_refused_credential()
    {
        var failure = ConnectionFailure.Of(new WebSocketException("The server returned status code '401' when status code '101' was expected."));

        Assert.Equal(ConnectionFailureKind.CredentialRefused, failure.Kind);
    }

    [Fact]
    public void A_401_answer_to_an_http_request_means_a_refused_credential()
    {
        var failure = ConnectionFailure.Of(new InvalidOperationException("negotiation failed", new HttpRequestException("denied", null, HttpStatusCode.Unauthorized)));

        Assert.Equal(ConnectionFailureKind.CredentialRefused, failure.Kind);
    }

    [Fact]
    public void Another_refused_upgrade_status_is_an_unreachable_control_plane()
    {
        var failure = ConnectionFailure.Of(new WebSocketException("The server returned status code '404' when status code '101' was expected."));

        Assert.Equal(ConnectionFailureKind.Unreachable, failure.Kind);
    }

    [Fact]
    public void A_hub_refusal_carries_the_servers_message()
    {
        var failure = ConnectionFailure.Of(new HubException("Protocol version 9 is not supported; this control plane speaks 1."));

        Assert.Equal(ConnectionFailureKind.AgentRefused, failure.Kind);
        Assert.Equal("Protocol version 9 is not supported; this control plane speaks 1.", failure.Reason);
    }

    [Fact]
    public void An_unreachable_control_plane_is_described_with_the_innermost_cause()
    {
        var exception = new WebSocketException(
            "Unable to connect to the remote server",
            new HttpRequestException("Connection refused (127.0.0.1:5080)", new InvalidOperationException("Connection refused")));

        var failure = ConnectionFailure.Of(exception);

        Assert.Equal(ConnectionFailureKind.Unreachable, failure.Kind);
        Assert.Equal("Unable to connect to the remote server: Connection refused (127.0.0.1:5080)", failure.Reason);
    }

    [Fact]
    public void A_closed_connection_is_described_once_even_when_its_cause_repeats_the_message()
    {
        var cause = new WebSocketException("The remote party closed the WebSocket connection without completing the close handshake.");

        var failure = ConnectionFailure.Of(new InvalidOperationException($"the connection was closed: {cause.Message}", cause));

        Assert.Equal($"the connection was closed: {cause.Message}", failure.Reason);
    }

    [Fact]
    public void A_call_that_timed_out_says_the_control_plane_did_not_answer()
    {
        var failure = ConnectionFailure.Of(new TimeoutException());

        Assert.Equal(new ConnectionFailure(ConnectionFailureKind.Unreachable, "the control plane did not answer in time"), failure);
    }

    [Fact]
    public void The_same_kind_of_failure_repeats_whatever_its_reason_but_a_different_refusal_is_news()
    {
        var unreachable = new ConnectionFailure(ConnectionFailureKind.Unreachable, "Connection refused");
        var refused = new ConnectionFailure(ConnectionFailureKind.AgentRefused, "unsupported protocol version");

        Assert.False(unreachable.Repeats(null));
        Assert.True(new ConnectionFailure(ConnectionFailureKind.Unreachable, "timed out").Repeats(unreachable));
        Assert.False(new ConnectionFailure(ConnectionFailureKind.CredentialRefused, "401").Repeats(unreachable));
        Assert.True(refused.Repeats(refused with { }));
        Assert.False(new ConnectionFailure(ConnectionFailureKind.AgentRefused, "node name taken").Repeats(refused));
    }
}

using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.SignalR;

namespace Vigil.Agent.Connection;

/// <summary>What an operator has to do about a failed attempt to reach or stay with the control plane.</summary>
public enum ConnectionFailureKind
{
    /// <summary>Network, a stopped or restarting control plane, a timeout: waiting is the remedy.</summary>
    Unreachable,

    /// <summary>The hub answered 401: the agent's credential is revoked or unknown to the control plane.</summary>
    CredentialRefused,

    /// <summary>The enrolment answered 401: the enrollment token is wrong, expired, used up or revoked.</summary>
    TokenRefused,

    /// <summary>The enrolment answered 403: this node's agent is revoked until an admin forgets it.</summary>
    AgentRevoked,

    /// <summary>The agent is enrolled and waits for an admin's approval.</summary>
    AwaitingApproval,

    /// <summary>The hub refused a call (e.g. an unsupported protocol version) with its own message.</summary>
    AgentRefused,
}

/// <summary>A failed connection or call, classified, with a reason fit for one log line.</summary>
public sealed record ConnectionFailure(ConnectionFailureKind Kind, string Reason)
{
    /// <summary>What the hub says to an agent that is enrolled but not approved yet.</summary>
    public const string AwaitingApprovalMark = "waiting for approval";

    public static ConnectionFailure Of(Exception exception)
    {
        switch (exception)
        {
            case EnrolmentRefusedException { Status: HttpStatusCode.Forbidden } revoked:
                return new(ConnectionFailureKind.AgentRevoked, revoked.Title);
            case EnrolmentRefusedException token:
                return new(ConnectionFailureKind.TokenRefused, token.Title);
            case HubException pending when pending.Message.Contains(AwaitingApprovalMark, StringComparison.Ordinal):
                return new(ConnectionFailureKind.AwaitingApproval, pending.Message);
            case HubException refused:
                return new(ConnectionFailureKind.AgentRefused, refused.Message);
        }

        return IsUnauthorized(exception)
            ? new(ConnectionFailureKind.CredentialRefused, Describe(exception))
            : new(ConnectionFailureKind.Unreachable, Describe(exception));
    }

    /// <summary>Whether an operator who has seen <paramref name="earlier"/> learns nothing new from this one.</summary>
    public bool Repeats(ConnectionFailure? earlier) =>
        earlier is not null && earlier.Kind == Kind && (Kind != ConnectionFailureKind.AgentRefused || earlier.Reason == Reason);

    private static bool IsUnauthorized(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            var unauthorized = current switch
            {
                HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } => true,
                // With WebSockets and no negotiation, a refused upgrade reports the status only in its message.
                WebSocketException => current.Message.Contains("'401'", StringComparison.Ordinal),
                _ => current.Message.Contains("401 (Unauthorized)", StringComparison.Ordinal),
            };
            if (unauthorized)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The outer message, and the deepest inner one that adds to it ("Connection refused (cp:5080)").</summary>
    private static string Describe(Exception exception)
    {
        if (exception is TimeoutException)
        {
            return "the control plane did not answer in time";
        }

        string? deeper = null;
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            var news = !exception.Message.Contains(inner.Message, StringComparison.Ordinal)
                && (deeper is null || !deeper.Contains(inner.Message, StringComparison.Ordinal));
            if (news)
            {
                deeper = inner.Message;
            }
        }

        return deeper is null ? exception.Message : $"{exception.Message.TrimEnd('.')}: {deeper}";
    }
}

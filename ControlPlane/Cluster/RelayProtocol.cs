using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using StackExchange.Redis;
using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Data.Security;
using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Cluster;

/// <summary>The kinds of agent call a standing-by instance relays to the deciding one.</summary>
public static class RelayedCallKind
{
    public const string Authenticate = "authenticate";
    public const string Connected = "connected";
    public const string Register = "register";
    public const string Heartbeat = "heartbeat";
    public const string ReportEvents = "events";
    public const string GetDesiredConfiguration = "configuration";
    public const string Stopping = "stopping";
    public const string CommandResult = "outcome";
    public const string Disconnected = "disconnected";
}

/// <summary>An agent connection held by a relaying instance, as the deciding instance needs to know it.</summary>
public sealed record RelayedConnection(string ConnectionId, Guid AgentId, Guid CredentialNodeId, EnrolledAgentState State, string RemoteAddress, Guid? NodeId)
{
    public AgentCredential Credential => new(AgentId, CredentialNodeId, State);
}

/// <summary>A call, published on the deciding instance's channel; the answer goes to <paramref name="ReplyTo"/>.</summary>
public sealed record RelayedCall(Guid CallId, string ReplyTo, string Kind, RelayedConnection? Connection, JsonElement? Payload);

/// <summary>
/// The answer: a result, or the refusal the agent is told. <paramref name="DeciderToken"/> is the
/// decider lease's token of the instance that answered; <paramref name="Abort"/> names a connection
/// the deciding instance ends (a revoked credential), with no call to answer. <paramref name="Unavailable"/>:
/// the refusal is the deciding instance's database's (busy or away), not the agent's.
/// </summary>
public sealed record RelayedReply(Guid CallId, long DeciderToken, JsonElement? Result, string? Refusal, string? Abort = null, bool Unavailable = false);

/// <summary>What a relay presents to authenticate a connection.</summary>
public sealed record RelayedCredential(string Presented, string RemoteAddress, string Path);

/// <summary>Channel names and the JSON both sides write.</summary>
public static class RelayChannels
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(AgentHubJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static RedisChannel Decider(string prefix) => RedisChannel.Literal($"{prefix}:decider:calls");

    public static string ReplyTo(string prefix, Guid relay) => $"{prefix}:relay:{relay:N}";

    /// <summary>Whether <paramref name="channel"/> is a relay's answers channel: a call cannot have answers published anywhere else.</summary>
    public static bool IsReplyChannel(string prefix, string channel) =>
        channel.StartsWith($"{prefix}:relay:", StringComparison.Ordinal)
        && Guid.TryParseExact(channel[($"{prefix}:relay:".Length)..], "N", out _);
}

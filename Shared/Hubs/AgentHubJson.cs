using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;

namespace Vigil.Shared.Hubs;

/// <summary>
/// Source-generated JSON metadata for every argument and result of the agent hub, in both directions
/// (<see cref="IAgentHub"/>, <see cref="IAgentClient"/>). The agent serializes with it alone, which is
/// what lets it run as a native (ahead-of-time compiled) program; the control plane puts it first in
/// its JSON protocol's resolvers. Property names come from the protocol's options (camelCase), as
/// reflection would give them, so both ends write the same JSON.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentRegistration))]
[JsonSerializable(typeof(RegistrationAccepted))]
[JsonSerializable(typeof(AgentHeartbeat))]
[JsonSerializable(typeof(HeartbeatAck))]
[JsonSerializable(typeof(AgentEventBatch))]
[JsonSerializable(typeof(EventsAck))]
[JsonSerializable(typeof(DesiredConfiguration))]
[JsonSerializable(typeof(AgentStoppingNotice))]
[JsonSerializable(typeof(CommandOutcome))]
[JsonSerializable(typeof(ConfigChangedNotice))]
[JsonSerializable(typeof(AgentCommand))]
public sealed partial class AgentHubJson : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Storage;

/// <summary>
/// The agent's state files an operator may open (desired configuration, member definitions, roles):
/// camelCase, indented. Source-generated, as everything the agent serializes, so the agent needs no
/// reflection and can be compiled ahead of time.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(DesiredConfiguration))]
[JsonSerializable(typeof(List<ManagedServiceDefinition>))]
[JsonSerializable(typeof(List<GroupRole>))]
internal sealed partial class AgentStateJson : JsonSerializerContext;

/// <summary>
/// What the agent writes one line at a time or answers on its role endpoint: the event outbox, the
/// command journal, the held roles. camelCase, compact.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AgentEvent))]
[JsonSerializable(typeof(LinkedList<CommandOutcome>))]
[JsonSerializable(typeof(List<CommandOutcome>))]
[JsonSerializable(typeof(List<HeldRole>))]
[JsonSerializable(typeof(ManagedServiceDefinition))]
internal sealed partial class AgentLineJson : JsonSerializerContext;

/// <summary>A service's process record, in the format it has always had on disk (property names as declared).</summary>
[JsonSerializable(typeof(ProcessRecord))]
internal sealed partial class ProcessRecordJson : JsonSerializerContext;

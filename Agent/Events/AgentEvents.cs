using Vigil.Shared.Messages;

namespace Vigil.Agent.Events;

/// <summary>
/// Records what happens on the node: into the durable outbox for the control plane, and into the log
/// under the event ID and level of its kind (<see cref="AgentEventLogEntries"/>).
/// </summary>
public sealed class AgentEvents(EventOutbox outbox, ILogger<AgentEvents> logger)
{
    public EventOutbox Outbox => outbox;

    public void Record(AgentEventKind kind, string? service, string message, int? exitCode = null)
    {
        outbox.Record(kind, service, message, exitCode);
        AgentEventLogEntries.Write(logger, kind, service ?? "-", message);
    }
}

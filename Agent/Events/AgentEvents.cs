using Vigil.Shared.Messages;

namespace Vigil.Agent.Events;

/// <summary>Records what happens on the node: into the durable outbox for the control plane, and into the log.</summary>
public sealed partial class AgentEvents(EventOutbox outbox, ILogger<AgentEvents> logger)
{
    public EventOutbox Outbox => outbox;

    public void Record(AgentEventKind kind, string? service, string message, int? exitCode = null)
    {
        outbox.Record(kind, service, message, exitCode);
        if (IsTrouble(kind))
        {
            LogTrouble(kind, service ?? "-", message);
        }
        else
        {
            LogEvent(kind, service ?? "-", message);
        }
    }

    private static bool IsTrouble(AgentEventKind kind) => kind is AgentEventKind.ServiceExited or AgentEventKind.ServiceGaveUp
        or AgentEventKind.ProbeFailed or AgentEventKind.Fenced or AgentEventKind.ConfigRejected or AgentEventKind.EventsDropped or AgentEventKind.ServiceRestarting;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} {Service}: {Message}")]
    private partial void LogEvent(AgentEventKind kind, string service, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Service}: {Message}")]
    private partial void LogTrouble(AgentEventKind kind, string service, string message);
}

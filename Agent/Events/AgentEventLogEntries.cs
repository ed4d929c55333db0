using Vigil.Shared.Messages;

namespace Vigil.Agent.Events;

/// <summary>
/// The event ID and level each kind of agent event is logged with, so that the Windows Event Log
/// (source <c>Vigil Agent</c>) carries them under IDs that tools watching it (SCOM, Zabbix, Windows
/// Event Forwarding) can subscribe to. The IDs are part of the product's interface: never renumber
/// one; give a new kind a new ID. The table is in docs/operator-guide.md ("The Windows Event Log").
/// </summary>
public static class AgentEventLogEntries
{
    private static readonly Dictionary<AgentEventKind, Action<ILogger, AgentEventKind, string, string, Exception?>> Writers =
        Enum.GetValues<AgentEventKind>().ToDictionary(
            kind => kind,
            kind => LoggerMessage.Define<AgentEventKind, string, string>(LevelOf(kind), new EventId(IdOf(kind), kind.ToString()), "{Kind} {Service}: {Message}"));

    public static int IdOf(AgentEventKind kind) => kind switch
    {
        AgentEventKind.AgentStarted => 1000,
        AgentEventKind.AgentStopping => 1001,
        AgentEventKind.ServiceStarted => 1100,
        AgentEventKind.ServiceExited => 1101,
        AgentEventKind.ServiceRestarting => 1102,
        AgentEventKind.ServiceGaveUp => 1103,
        AgentEventKind.ServiceStopped => 1104,
        AgentEventKind.ProbeFailed => 1200,
        AgentEventKind.ProbeRecovered => 1201,
        AgentEventKind.ConfigApplied => 1300,
        AgentEventKind.ConfigRejected => 1301,
        AgentEventKind.EventsDropped => 1400,
        AgentEventKind.RoleActivated => 1500,
        AgentEventKind.RoleDeactivated => 1501,
        AgentEventKind.Fenced => 1502,
        AgentEventKind.CommandExecuted => 1600,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Every kind of agent event needs an event ID of its own."),
    };

    /// <summary>Error: a service is left stopped (given up, fenced). Warning: trouble the agent is dealing with. Information otherwise.</summary>
    public static LogLevel LevelOf(AgentEventKind kind) => kind switch
    {
        AgentEventKind.ServiceGaveUp or AgentEventKind.Fenced => LogLevel.Error,
        AgentEventKind.ServiceExited or AgentEventKind.ServiceRestarting or AgentEventKind.ProbeFailed or AgentEventKind.ConfigRejected
            or AgentEventKind.EventsDropped => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    /// <summary>What the Windows Event Log receives: the agent's events from Information up, other entries from Warning up.</summary>
    public static bool GoesToTheEventLog(string category, LogLevel level) =>
        level >= (category == typeof(AgentEvents).FullName ? LogLevel.Information : LogLevel.Warning);

    public static void Write(ILogger logger, AgentEventKind kind, string service, string message) => Writers[kind](logger, kind, service, message, null);
}

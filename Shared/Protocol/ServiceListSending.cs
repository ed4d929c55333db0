using Vigil.Shared.Messages;

namespace Vigil.Shared.Protocol;

/// <summary>
/// Whether an agent's next heartbeat carries its service list, for one connection. The list goes in
/// full in the first heartbeat after registering, whenever a service's state changed (anything but its
/// process figures, see <see cref="ServiceReport.SameStateAs"/>) or a service came or went, when the
/// control plane asks for it (<see cref="HeartbeatAck.SendServices"/>), and at least every
/// <see cref="Refresh"/> (which refreshes the process figures); otherwise the heartbeat says
/// <see cref="AgentHeartbeat.ServicesUnchanged"/>. A list counts as delivered only once its heartbeat
/// is acknowledged. To a control plane that did not offer <see cref="RegistrationAccepted.ServicesOnlyWhenChanged"/>
/// every heartbeat carries the list. Immutable: each step returns the next state.
/// </summary>
public sealed record ServiceListSending
{
    /// <summary>The longest a list goes unsent, so the control plane's process figures are at most this old.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);

    /// <summary>The control plane keeps the services between heartbeats.</summary>
    public bool OnlyWhenChanged { get; init; }

    /// <summary>The list the control plane acknowledged last on this connection; null when it needs one.</summary>
    public IReadOnlyList<ServiceReport>? Delivered { get; init; }

    /// <summary>When <see cref="Delivered"/> was sent (a monotonic time of the caller's).</summary>
    public TimeSpan DeliveredAt { get; init; }

    /// <summary>The state for a new registration: nothing delivered yet.</summary>
    public static ServiceListSending After(RegistrationAccepted accepted) => new() { OnlyWhenChanged = accepted.ServicesOnlyWhenChanged };

    /// <summary>True when a heartbeat sent at <paramref name="now"/> must carry <paramref name="current"/>.</summary>
    public bool MustSend(IReadOnlyList<ServiceReport> current, TimeSpan now) =>
        !OnlyWhenChanged || Delivered is null || now - DeliveredAt >= Refresh || !SameStates(Delivered, current);

    /// <summary>
    /// The heartbeat sent at <paramref name="sentAt"/> was acknowledged; <paramref name="sent"/> is the
    /// list it carried, null when it said the services were unchanged.
    /// </summary>
    public ServiceListSending Acknowledged(IReadOnlyList<ServiceReport>? sent, HeartbeatAck ack, TimeSpan sentAt) =>
        ack.SendServices ? this with { Delivered = null }
        : sent is null ? this
        : this with { Delivered = sent, DeliveredAt = sentAt };

    /// <summary>The heartbeat for <paramref name="current"/>: the list itself, or an empty one that says unchanged.</summary>
    public AgentHeartbeat Fill(AgentHeartbeat heartbeat, IReadOnlyList<ServiceReport> current, TimeSpan now) =>
        MustSend(current, now) ? heartbeat with { Services = current } : heartbeat with { Services = [], ServicesUnchanged = true };

    private static bool SameStates(IReadOnlyList<ServiceReport> before, IReadOnlyList<ServiceReport> now)
    {
        if (before.Count != now.Count)
        {
            return false;
        }

        for (var i = 0; i < now.Count; i++)
        {
            if (!before[i].SameStateAs(now[i]))
            {
                return false;
            }
        }

        return true;
    }
}

namespace Vigil.ControlPlane.Data.Nodes;

/// <summary>Whether the control plane hears from a node.</summary>
public enum NodeLiveness
{
    /// <summary>Heartbeats arrive on time.</summary>
    Alive,

    /// <summary>Heartbeats are late or the connection dropped; not yet given up on.</summary>
    Suspect,

    /// <summary>Nothing heard for long enough to treat the node as gone.</summary>
    Lost,

    /// <summary>The agent said it was stopping on purpose (an upgrade, a reboot): not a crash.</summary>
    Stopped,
}

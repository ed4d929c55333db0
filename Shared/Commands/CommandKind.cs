namespace Vigil.Shared.Commands;

/// <summary>What a command asks an agent to do with one managed service.</summary>
public enum CommandKind
{
    Restart,
    Start,
    Stop,
    Pause,
    Continue,

    /// <summary>Take the active role of a failover group at the command's epoch.</summary>
    Activate,

    /// <summary>Give up the active role (or confirm being a standby) at the command's epoch.</summary>
    Deactivate,

    /// <summary>Kill the service's processes and treat it as failed for good (fault-injection drills).</summary>
    Kill,

    /// <summary>Forget a failover group that was deleted; the service returns to plain supervision.</summary>
    Release,
}

using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Failover;

/// <summary>What the engine decided for a group; the coordinator applies it.</summary>
public abstract record FailoverDecision
{
    /// <summary>Store the next epoch with a new active member, stop renewing every other lease, tell the others to stand by.</summary>
    public sealed record Begin(TransitionKind Kind, Guid? FromMemberId, Guid ToMemberId, string Reason) : FailoverDecision;

    /// <summary>Everyone else has released the role: send Activate at the current epoch.</summary>
    public sealed record Activate(Guid MemberId) : FailoverDecision;

    /// <summary>The new active confirmed: the transition is complete.</summary>
    public sealed record Confirm(Guid MemberId) : FailoverDecision;

    /// <summary>The new active did not take the role; the transition failed.</summary>
    public sealed record Abandon(Guid MemberId, string Reason) : FailoverDecision;

    /// <summary>Tell a member that is not the active one to stand by at the current epoch.</summary>
    public sealed record Deactivate(Guid MemberId) : FailoverDecision;

    /// <summary>
    /// Nothing to do now; <see cref="Status"/> says why, for operators. <see cref="DropsSwitchover"/>:
    /// the requested switchover cannot be carried out and is forgotten.
    /// </summary>
    public sealed record Wait(string Status, bool Halted = false, bool DropsSwitchover = false) : FailoverDecision;
}

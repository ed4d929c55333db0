using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>Builders of the engine's input for its tests: a group of members A, B, C at epoch 1, seen at <see cref="Now"/>.</summary>
internal static class EngineViews
{
    public static readonly TimeSpan Now = TimeSpan.FromMinutes(10);
    public static readonly Guid A = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    public static readonly Guid B = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    public static readonly Guid C = Guid.Parse("00000000-0000-0000-0000-00000000000c");

    public static FailoverDecision Last(GroupSnapshot group, TimeSpan? now = null) => FailoverEngine.Decide(group, now ?? Now)[^1];

    public static GroupSnapshot Group(Guid? active, params MemberView[] members) => new()
    {
        GroupId = Guid.NewGuid(),
        Name = "orders",
        Epoch = 1,
        ActiveMemberId = active,
        Policy = new GroupPolicy(),
        Members = members,
        HourOfDay = 12,
    };

    public static PendingTransition Transition(Guid to, long epoch = 1) => new() { Kind = TransitionKind.Failover, Epoch = epoch, FromMemberId = A, ToMemberId = to };

    public static MemberView Active(Guid id) => Standby(id) with { Role = Role(1, active: true, lease: true), ServiceUp = true, Health = ServiceHealth.Healthy };

    public static MemberView Standby(Guid id, int priority = 1) => new()
    {
        MemberId = id,
        NodeId = id,
        NodeName = $"node-{id.ToString()[^1]}",
        Service = "orders",
        Priority = priority,
        Reachable = true,
        NodeDown = false,
        Reported = true,
        HoldsStopTerms = true,
        Health = ServiceHealth.Stopped,
        Role = Role(1, active: false),
        LeaseSurelyEndedAt = Now - TimeSpan.FromSeconds(1),
        DeactivateSent = true,
    };

    public static RoleReport Role(long epoch, bool active, bool lease = false) =>
        new() { GroupId = Guid.Empty, Service = "orders", Epoch = epoch, Active = active, HoldsLease = lease, ServiceUp = active };
}

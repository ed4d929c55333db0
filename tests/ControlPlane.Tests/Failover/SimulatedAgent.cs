using Vigil.Agent.Roles;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// One node of the simulation: an agent with the real <see cref="RoleBook"/> on its own monotonic
/// clock (a different origin per node), and the group's service, which takes a while to start and to stop.
/// </summary>
internal sealed class SimulatedAgent(int index, Guid nodeId, Guid memberId, TimeSpan clockOffset)
{
    public const string Service = "web";

    public int Index { get; } = index;

    public Guid NodeId { get; } = nodeId;

    public Guid MemberId { get; } = memberId;

    public bool Alive { get; set; } = true;

    public bool Partitioned { get; set; }

    /// <summary>Bumped at every agent start; messages of an earlier run are not delivered to a later one.</summary>
    public int Run { get; private set; }

    public RoleBook Book { get; private set; } = new();

    /// <summary>The roles file on disk: what survives an agent restart.</summary>
    public List<GroupRole> Stored { get; private set; } = [];

    public bool Running { get; set; }

    public bool Broken { get; set; }

    public TimeSpan? StopsAt { get; set; }

    public TimeSpan? StartsAt { get; set; }

    public TimeSpan NextHeartbeat { get; set; }

    public bool HeartbeatWanted { get; set; }

    /// <summary>Activate and Deactivate commands waiting for the service to come up or go down before they answer.</summary>
    public List<(Guid CommandId, CommandKind Kind, TimeSpan Deadline)> Answering { get; } = [];

    public bool Reachable => Alive && !Partitioned;

    public TimeSpan Local(TimeSpan worldNow) => worldNow + clockOffset;

    public ServiceHealth Health => Broken ? ServiceHealth.Failed : Running ? ServiceHealth.Healthy : ServiceHealth.Stopped;

    public bool HoldsValidRole(Guid groupId, TimeSpan worldNow) => Alive && Book.Find(groupId) is { } role && role.HoldsLease(Local(worldNow));

    public string? Apply(CommandKind kind, RoleGrant grant)
    {
        var refusal = Book.Apply(kind, grant, Service);
        if (refusal is null)
        {
            Stored = [.. Book.Roles];
        }

        return refusal;
    }

    /// <summary>The agent process dies; the service, bound to it, dies with it.</summary>
    public void Kill()
    {
        Alive = false;
        Running = false;
        StartsAt = null;
        StopsAt = null;
        Answering.Clear();
    }

    public void Start(TimeSpan worldNow)
    {
        Alive = true;
        Run++;
        Book = new RoleBook(Stored);
        NextHeartbeat = Local(worldNow);
    }

    /// <summary>The agent's supervision: stop what its role forbids, start what it allows.</summary>
    public void Supervise(TimeSpan worldNow, Random random)
    {
        if (!Alive)
        {
            return;
        }

        var allowance = Book.PermissionFor(Service, Local(worldNow));
        if (StopsAt is { } stops && worldNow >= stops)
        {
            (Running, StopsAt) = (false, null);
        }

        if (StartsAt is { } starts && worldNow >= starts)
        {
            StartsAt = null;
            Running = allowance.MayStart && !Broken;
        }

        if (Broken && Running)
        {
            Running = false;
        }

        if (Running && !allowance.MayKeepRunning && StopsAt is null)
        {
            // Fencing stops (or kills) the service within half the fence allowance.
            StopsAt = worldNow + TimeSpan.FromMilliseconds(random.Next(0, 450));
        }

        if (!Running && StartsAt is null && StopsAt is null && allowance.MayStart && !Broken)
        {
            StartsAt = worldNow + TimeSpan.FromMilliseconds(random.Next(50, 400));
        }
    }

    public IReadOnlyList<RoleReport> Reports(TimeSpan worldNow) => [.. Book.Roles.Select(r => new RoleReport
    {
        GroupId = r.GroupId,
        Service = r.Service,
        Epoch = r.Epoch,
        Active = r.Active,
        HoldsLease = r.HoldsLease(Local(worldNow)),
        ServiceUp = Running || StopsAt is not null,
    })];
}

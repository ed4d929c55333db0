using System.Text.Json;
using Vigil.Agent.Roles;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Tests.Roles;

/// <summary>
/// The control plane counts a confirmed Deactivate as a release of the role, so once this node has
/// carried one out at an epoch it never becomes active at that epoch again, not even after a restart:
/// only a newer epoch activates it.
/// </summary>
public sealed class DeactivatedEpochTests
{
    private const string Web = "web";
    private static readonly Guid Orders = Guid.Parse("5d1e7c3a-0000-4000-8000-000000000001");

    [Fact]
    public void An_activation_at_the_epoch_of_a_deactivation_carried_out_is_refused_and_changes_nothing()
    {
        var book = new RoleBook();
        Assert.Null(book.Apply(CommandKind.Activate, Grant(4), Web));
        Assert.Null(book.Apply(CommandKind.Deactivate, Grant(5), Web));
        var standby = book.Find(Orders);

        var refusal = book.Apply(CommandKind.Activate, Grant(5), Web);

        Assert.Equal("epoch 5 of group orders was already given up by a Deactivate on this node; only a newer epoch activates it; refused", refusal);
        Assert.Equal(refusal, book.ActivationRefusal(Grant(5)));
        Assert.Same(standby, book.Find(Orders));
        Assert.False(book.PermissionFor(Web, TimeSpan.FromSeconds(1)).MayStart);
    }

    [Fact]
    public void A_newer_epoch_activates_the_member_again()
    {
        var book = new RoleBook();
        Assert.Null(book.Apply(CommandKind.Deactivate, Grant(5), Web));

        Assert.Null(book.Apply(CommandKind.Activate, Grant(6), Web));

        Assert.Equal((6L, true, false), (book.Find(Orders)!.Epoch, book.Find(Orders)!.Active, book.Find(Orders)!.Deactivated));
        Assert.Null(book.ActivationRefusal(Grant(6)));
    }

    [Fact]
    public void The_refusal_outlives_a_restart_of_the_agent_because_it_is_kept_on_disk_with_the_epoch()
    {
        var book = new RoleBook();
        Assert.Null(book.Apply(CommandKind.Deactivate, Grant(5), Web));
        var onDisk = JsonSerializer.Serialize(book.Roles.ToList(), JsonSerializerOptions.Web);

        var restarted = new RoleBook(JsonSerializer.Deserialize<List<GroupRole>>(onDisk, JsonSerializerOptions.Web));

        Assert.NotNull(restarted.Apply(CommandKind.Activate, Grant(5), Web));
        Assert.Null(restarted.Apply(CommandKind.Activate, Grant(6), Web));
    }

    [Fact]
    public void A_role_given_up_by_a_stopping_agent_or_an_epoch_only_seen_may_still_be_activated_at_that_epoch()
    {
        // The agent stood down as it stopped (not a Deactivate): the control plane activates it again at the same epoch when it is back.
        var stopping = new RoleBook();
        Assert.Null(stopping.Apply(CommandKind.Activate, Grant(5), Web));
        stopping.StandDown();
        var back = new RoleBook(stopping.Roles);
        // An activation whose hook failed only saw the epoch.
        var seen = new RoleBook();
        seen.SeeEpoch(Grant(5), Web);

        Assert.Null(back.Apply(CommandKind.Activate, Grant(5), Web));
        Assert.Null(seen.Apply(CommandKind.Activate, Grant(5), Web));
    }

    [Fact]
    public void A_role_stored_before_deactivations_were_kept_reads_as_not_deactivated()
    {
        const string Stored = """[{"groupId":"5d1e7c3a-0000-4000-8000-000000000001","groupName":"orders","service":"web","epoch":5,"active":false}]""";

        var book = new RoleBook(JsonSerializer.Deserialize<List<GroupRole>>(Stored, JsonSerializerOptions.Web));

        Assert.False(book.Find(Orders)!.Deactivated);
    }

    private static RoleGrant Grant(long epoch) => new() { GroupId = Orders, GroupName = "orders", Epoch = epoch, LeaseMs = 3000, Terms = new RoleTerms { Version = 1 } };
}

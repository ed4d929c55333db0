using Vigil.Agent.Roles;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;

namespace Vigil.Agent.Tests.Roles;

public sealed class RoleBookTests
{
    private const string Web = "web";
    private static readonly Guid Orders = Guid.Parse("0b9c2f4e-0000-4000-8000-000000000001");
    private static readonly Guid Billing = Guid.Parse("0b9c2f4e-0000-4000-8000-000000000002");

    // Activate, Deactivate and Release

    [Fact]
    public void An_activation_makes_the_service_the_active_member_waiting_for_its_first_lease()
    {
        var book = new RoleBook();

        var refusal = book.Apply(CommandKind.Activate, Grant(5) with { Terms = new RoleTerms { Version = 1, Isolation = IsolationPolicy.KeepRunning, LocalRestarts = 2, LocalRestartWindowMs = 60_000 } }, Web);

        Assert.Null(refusal);
        var role = Assert.Single(book.Roles);
        Assert.Same(role, book.Find(Orders));
        Assert.Same(role, book.ForService(Web));
        Assert.Equal((Orders, "orders", Web, 5L, true, (TimeSpan?)null), (role.GroupId, role.GroupName, role.Service, role.Epoch, role.Active, role.LeaseExpiresAt));
        Assert.Equal((IsolationPolicy.KeepRunning, Seconds(3), 2, TimeSpan.FromMinutes(1)), (role.Isolation, role.Lease, role.LocalRestarts, role.LocalRestartWindow));
    }

    [Theory]
    [InlineData(CommandKind.Activate)]
    [InlineData(CommandKind.Deactivate)]
    [InlineData(CommandKind.Release)]
    public void A_role_command_at_an_epoch_older_than_the_one_seen_is_refused_naming_both_epochs(CommandKind kind)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        var before = book.Find(Orders);

        var refusal = book.Apply(kind, Grant(4), Web);

        Assert.Equal("epoch 4 of group orders is older than epoch 5 already seen; refused", refusal);
        Assert.Same(before, book.Find(Orders));
        Assert.True(book.PermissionFor(Web, Seconds(11)).MayStart);
    }

    [Fact]
    public void An_epoch_seen_as_a_standby_refuses_an_older_activation()
    {
        var book = new RoleBook();
        book.Apply(CommandKind.Deactivate, Grant(6), Web);

        var refusal = book.Apply(CommandKind.Activate, Grant(5), Web);

        Assert.Contains("epoch 5", refusal, StringComparison.Ordinal);
        Assert.Contains("epoch 6", refusal, StringComparison.Ordinal);
        Assert.False(book.ForService(Web)!.Active);
    }

    [Fact]
    public void Activating_again_at_the_same_epoch_keeps_the_lease()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var refusal = book.Apply(CommandKind.Activate, Grant(5), Web);

        Assert.Null(refusal);
        Assert.Equal(Seconds(13), book.Find(Orders)!.LeaseExpiresAt);
        Assert.True(book.PermissionFor(Web, Seconds(12)).MayStart);
    }

    [Fact]
    public void Activating_at_a_newer_epoch_starts_without_a_lease()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var refusal = book.Apply(CommandKind.Activate, Grant(6), Web);

        Assert.Null(refusal);
        var role = book.Find(Orders)!;
        Assert.Equal((6L, true, (TimeSpan?)null), (role.Epoch, role.Active, role.LeaseExpiresAt));
        Assert.False(book.PermissionFor(Web, Seconds(11)).MayStart);
    }

    [Fact]
    public void Activating_a_member_at_the_epoch_it_saw_without_a_deactivation_makes_it_active_without_a_lease()
    {
        var book = new RoleBook();
        book.SeeEpoch(Grant(5), Web);

        var refusal = book.Apply(CommandKind.Activate, Grant(5), Web);

        Assert.Null(refusal);
        Assert.Equal((true, (TimeSpan?)null), (book.Find(Orders)!.Active, book.Find(Orders)!.LeaseExpiresAt));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public void A_deactivation_at_the_same_or_a_newer_epoch_makes_the_service_a_standby_without_lease(long epoch)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var refusal = book.Apply(CommandKind.Deactivate, Grant(epoch), Web);

        Assert.Null(refusal);
        var role = book.Find(Orders)!;
        Assert.Equal((epoch, false, (TimeSpan?)null), (role.Epoch, role.Active, role.LeaseExpiresAt));
        Assert.False(book.PermissionFor(Web, Seconds(11)).MayKeepRunning);
    }

    [Fact]
    public void A_release_forgets_the_group_and_the_service_is_unrestricted_again()
    {
        var book = new RoleBook();
        book.Apply(CommandKind.Deactivate, Grant(5), Web);

        var refusal = book.Apply(CommandKind.Release, Grant(5), Web);

        Assert.Null(refusal);
        Assert.Empty(book.Roles);
        Assert.Null(book.Find(Orders));
        Assert.Equal(RoleAllowance.Unrestricted, book.PermissionFor(Web, Seconds(1)));
    }

    [Fact]
    public void A_release_of_a_group_never_seen_is_accepted()
    {
        var book = new RoleBook();

        Assert.Null(book.Apply(CommandKind.Release, Grant(1), Web));
        Assert.Empty(book.Roles);
    }

    [Theory]
    [InlineData(CommandKind.Activate, "web")]
    [InlineData(CommandKind.Deactivate, "web")]
    [InlineData(CommandKind.Activate, "WEB")]
    public void A_service_that_already_belongs_to_another_group_is_refused(CommandKind kind, string service)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        var other = Grant(9, group: Billing, name: "billing");

        var refusal = book.Apply(kind, other, service);

        Assert.Equal($"service {service} already belongs to group orders", refusal);
        Assert.Equal(refusal, book.Refusal(other, service));
        Assert.Null(book.Find(Billing));
        Assert.Equal(Orders, Assert.Single(book.Roles).GroupId);
    }

    [Fact]
    public void A_service_released_from_its_group_may_join_another()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        book.Apply(CommandKind.Release, Grant(5), Web);

        Assert.Null(book.Apply(CommandKind.Activate, Grant(1, group: Billing, name: "billing"), Web));
        Assert.Equal(Billing, book.ForService(Web)!.GroupId);
    }

    [Theory]
    [InlineData(CommandKind.Start)]
    [InlineData(CommandKind.Stop)]
    [InlineData(CommandKind.Kill)]
    public void A_command_that_is_no_role_command_is_refused_and_changes_nothing(CommandKind kind)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        var before = book.Find(Orders);

        var refusal = book.Apply(kind, Grant(6), Web);

        Assert.Equal($"{kind} is not a role command", refusal);
        Assert.Same(before, book.Find(Orders));
    }

    [Fact]
    public void Refusal_tells_what_apply_would_say_without_changing_the_book()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        var before = book.Find(Orders);

        Assert.Null(book.Refusal(Grant(5), Web));
        Assert.Null(book.Refusal(Grant(6), Web));
        Assert.Null(book.Refusal(Grant(1, group: Billing, name: "billing"), "api"));
        Assert.Equal("epoch 4 of group orders is older than epoch 5 already seen; refused", book.Refusal(Grant(4), Web));
        Assert.Equal("service web already belongs to group orders", book.Refusal(Grant(1, group: Billing, name: "billing"), Web));
        Assert.Same(before, Assert.Single(book.Roles));
    }

    // Renewals

    [Fact]
    public void A_renewal_gives_the_active_role_a_lease_counted_from_when_the_heartbeat_was_sent()
    {
        var book = Active(epoch: 5);

        book.Renew([Renewal(5, leaseMs: 2500)], heartbeatSentAt: Seconds(10));

        var role = book.Find(Orders)!;
        Assert.Equal(Seconds(12.5), role.LeaseExpiresAt);
        Assert.Equal(Seconds(2.5), role.Lease);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(6)]
    public void A_renewal_for_another_epoch_than_the_one_held_is_ignored(long epoch)
    {
        var book = Active(epoch: 5);

        book.Renew([Renewal(epoch)], Seconds(10));

        Assert.Null(book.Find(Orders)!.LeaseExpiresAt);
        Assert.False(book.PermissionFor(Web, Seconds(10)).MayStart);
    }

    [Fact]
    public void A_standby_is_never_given_a_lease()
    {
        var book = new RoleBook();
        book.Apply(CommandKind.Deactivate, Grant(5), Web);

        book.Renew([Renewal(5)], Seconds(10));

        Assert.Null(book.Find(Orders)!.LeaseExpiresAt);
        Assert.False(book.PermissionFor(Web, Seconds(10)).MayStart);
    }

    [Fact]
    public void A_renewal_for_a_group_not_held_is_ignored()
    {
        var book = Active(epoch: 5);

        book.Renew([Renewal(5, group: Billing)], Seconds(10));

        Assert.Equal(Orders, Assert.Single(book.Roles).GroupId);
        Assert.Null(book.Find(Orders)!.LeaseExpiresAt);
    }

    [Fact]
    public void A_later_renewal_extends_the_lease()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        book.Renew([Renewal(5)], Seconds(11));

        Assert.Equal(Seconds(14), book.Find(Orders)!.LeaseExpiresAt);
    }

    [Fact]
    public void A_renewal_never_shortens_a_lease()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        // The acknowledgement of an older heartbeat arriving late, then a shorter lease from a newer one.
        book.Renew([Renewal(5)], Seconds(9));
        book.Renew([Renewal(5, leaseMs: 1000)], Seconds(11));

        var role = book.Find(Orders)!;
        Assert.Equal(Seconds(13), role.LeaseExpiresAt);
        Assert.Equal(Seconds(3), role.Lease);
    }

    [Fact]
    public void One_acknowledgement_renews_every_group_it_names_at_its_epoch()
    {
        var book = new RoleBook();
        book.Apply(CommandKind.Activate, Grant(5), Web);
        book.Apply(CommandKind.Activate, Grant(2, group: Billing, name: "billing"), "api");

        book.Renew([Renewal(5), Renewal(1, group: Billing)], Seconds(10));

        Assert.Equal(Seconds(13), book.Find(Orders)!.LeaseExpiresAt);
        Assert.Null(book.Find(Billing)!.LeaseExpiresAt);
    }

    // Permissions

    [Fact]
    public void A_service_in_no_group_is_unrestricted()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var allowance = book.PermissionFor("api", Seconds(100));

        Assert.Equal(RoleAllowance.Unrestricted, allowance);
        Assert.Equal((true, true, (string?)null, (GroupRole?)null, (TimeSpan?)null), (allowance.MayStart, allowance.MayKeepRunning, allowance.Reason, allowance.Role, allowance.ReviewIn));
    }

    [Fact]
    public void A_standby_may_neither_start_nor_keep_running()
    {
        var book = new RoleBook();
        book.Apply(CommandKind.Deactivate, Grant(5), Web);

        var allowance = book.PermissionFor(Web, Seconds(10));

        Assert.Equal((false, false), (allowance.MayStart, allowance.MayKeepRunning));
        Assert.Equal("standby in group orders (epoch 5)", allowance.Reason);
        Assert.Same(book.Find(Orders), allowance.Role);
        Assert.Null(allowance.ReviewIn);
    }

    [Fact]
    public void An_active_waiting_for_its_first_lease_may_neither_start_nor_keep_running()
    {
        var book = Active(epoch: 5);

        var allowance = book.PermissionFor(Web, Seconds(10));

        Assert.Equal((false, false, true), (allowance.MayStart, allowance.MayKeepRunning, allowance.AwaitsLease));
        Assert.Equal("active in group orders (epoch 5), waiting for a lease from the control plane", allowance.Reason);
        Assert.True(allowance.Role!.Active);
        Assert.Null(allowance.ReviewIn);
    }

    [Theory]
    [InlineData(10.0, 3.0)]
    [InlineData(12.0, 1.0)]
    [InlineData(12.999, 0.001)]
    public void An_active_with_a_valid_lease_may_start_and_keep_running_and_looks_again_when_the_lease_ends(double now, double left)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var allowance = book.PermissionFor(Web, Seconds(now));

        Assert.Equal((true, true, (string?)null), (allowance.MayStart, allowance.MayKeepRunning, allowance.Reason));
        Assert.Equal(Seconds(left), allowance.ReviewIn);
        Assert.Same(book.Find(Orders), allowance.Role);
    }

    [Theory]
    [InlineData(13.0)]
    [InlineData(60.0)]
    public void A_lapsed_lease_under_isolation_Stop_fences_the_service(double now)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        var allowance = book.PermissionFor(Web, Seconds(now));

        Assert.Equal((false, false, false), (allowance.MayStart, allowance.MayKeepRunning, allowance.AwaitsLease));
        Assert.Equal("fenced: the lease of group orders (epoch 5) lapsed without word from the control plane", allowance.Reason);
        Assert.Null(allowance.ReviewIn);
    }

    [Fact]
    public void A_lapsed_lease_under_isolation_KeepRunning_keeps_the_service_running_but_never_starts_it()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10), isolation: IsolationPolicy.KeepRunning);

        var allowance = book.PermissionFor(Web, Seconds(13));

        Assert.Equal((false, true), (allowance.MayStart, allowance.MayKeepRunning));
        Assert.Equal("lease of group orders lapsed; kept running by the group's isolation policy", allowance.Reason);
    }

    [Fact]
    public void A_renewal_after_a_lapse_gives_the_permission_back()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        Assert.False(book.PermissionFor(Web, Seconds(20)).MayStart);

        book.Renew([Renewal(5)], Seconds(19.5));

        Assert.True(book.PermissionFor(Web, Seconds(20)).MayStart);
        Assert.Equal(Seconds(2.5), book.PermissionFor(Web, Seconds(20)).ReviewIn);
    }

    [Fact]
    public void A_policy_edit_reaches_the_active_member_with_its_next_renewal_and_decides_what_its_lapse_does()
    {
        // Activated under KeepRunning; the group is then edited to Stop, at the same epoch.
        var book = Leased(epoch: 3, renewedAt: Seconds(10), isolation: IsolationPolicy.KeepRunning);
        book.Renew([Renewal(3) with { Terms = new RoleTerms { Version = 2, Isolation = IsolationPolicy.Stop } }], Seconds(11));

        var lapsed = book.PermissionFor(Web, Seconds(20));

        Assert.Equal((2L, IsolationPolicy.Stop), (book.Find(Orders)!.Terms.Version, book.Find(Orders)!.Isolation));
        Assert.False(lapsed.MayKeepRunning);
        Assert.True(lapsed.Fence);
    }

    [Fact]
    public void Terms_never_go_back_to_an_older_version_whatever_order_grants_and_renewals_arrive_in()
    {
        var book = Leased(epoch: 3, renewedAt: Seconds(10));
        book.Renew([Renewal(3) with { Terms = new RoleTerms { Version = 5, Isolation = IsolationPolicy.Stop } }], Seconds(11));
        book.Renew([Renewal(3) with { Terms = new RoleTerms { Version = 4, Isolation = IsolationPolicy.KeepRunning } }], Seconds(12));
        Assert.Null(book.Apply(CommandKind.Activate, Grant(3) with { Terms = new RoleTerms { Version = 4, Isolation = IsolationPolicy.KeepRunning } }, Web));

        Assert.Equal((5L, IsolationPolicy.Stop), (book.Find(Orders)!.Terms.Version, book.Find(Orders)!.Isolation));
    }

    [Fact]
    public void A_second_service_of_the_same_group_on_one_node_is_refused()
    {
        var book = Active(epoch: 3);

        var refusal = book.Apply(CommandKind.Deactivate, Grant(3), "web-copy");

        Assert.Contains("a member of a group once", refusal, StringComparison.Ordinal);
        Assert.Equal(Web, book.Find(Orders)!.Service);
    }

    [Fact]
    public void Standing_down_fences_the_active_service_and_refuses_any_new_activation()
    {
        var book = Leased(epoch: 3, renewedAt: Seconds(10));

        Assert.Equal([Web], book.StandDown());
        var allowance = book.PermissionFor(Web, Seconds(11));

        Assert.False(allowance.MayKeepRunning);
        Assert.True(allowance.Fence);
        Assert.Equal(TimeSpan.FromMilliseconds(500), allowance.KillAfter);
        Assert.NotNull(book.Apply(CommandKind.Activate, Grant(4), Web));
    }

    [Fact]
    public void With_its_roles_lost_every_service_is_held_until_the_control_plane_names_the_memberships()
    {
        var book = new RoleBook(rolesUnknown: true);
        Assert.False(book.PermissionFor(Web, Seconds(1)).MayStart);
        Assert.False(book.PermissionFor("other", Seconds(1)).MayStart);

        book.LearnMemberships([new GroupMembership { GroupId = Orders, GroupName = "orders", Service = Web }]);

        Assert.False(book.PermissionFor(Web, Seconds(2)).MayStart);
        Assert.True(book.PermissionFor("other", Seconds(2)).MayStart);
    }

    [Fact]
    public void A_service_is_found_whatever_the_case_of_its_name()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        Assert.Same(book.Find(Orders), book.ForService("WEB"));
        Assert.Same(book.Find(Orders), book.PermissionFor("Web", Seconds(11)).Role);
    }

    // Next expiry

    [Fact]
    public void The_next_expiry_is_the_earliest_lease_end_still_ahead()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        book.Apply(CommandKind.Activate, Grant(2, group: Billing, name: "billing"), "api");
        book.Renew([Renewal(2, leaseMs: 5000, group: Billing)], Seconds(10));

        Assert.Equal(Seconds(13), book.NextExpiry(Seconds(10)));
        Assert.Equal(Seconds(15), book.NextExpiry(Seconds(13)));
        Assert.Equal(Seconds(15), book.NextExpiry(Seconds(14.9)));
        Assert.Null(book.NextExpiry(Seconds(15)));
    }

    [Fact]
    public void Roles_without_a_lease_have_no_expiry()
    {
        var book = new RoleBook();

        Assert.Null(book.NextExpiry(Seconds(1)));

        book.Apply(CommandKind.Activate, Grant(5), Web);
        book.Apply(CommandKind.Deactivate, Grant(2, group: Billing, name: "billing"), "api");

        Assert.Null(book.NextExpiry(Seconds(1)));
    }

    [Fact]
    public void A_standby_that_had_a_lease_as_active_has_no_expiry()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        book.Apply(CommandKind.Deactivate, Grant(6), Web);

        Assert.Null(book.NextExpiry(Seconds(10)));
    }

    // Stored roles

    [Fact]
    public void A_book_built_from_stored_roles_keeps_their_epochs_but_no_lease()
    {
        var stored = new[]
        {
            StoredRole(Orders, Web, epoch: 5, active: true) with { LeaseExpiresAt = Seconds(100) },
            StoredRole(Billing, "api", epoch: 9, active: false),
        };

        var book = new RoleBook(stored);

        Assert.Equal(2, book.Roles.Count);
        Assert.Equal((5L, true, (TimeSpan?)null), (book.Find(Orders)!.Epoch, book.Find(Orders)!.Active, book.Find(Orders)!.LeaseExpiresAt));
        Assert.Equal("active in group orders (epoch 5), waiting for a lease from the control plane", book.PermissionFor(Web, Seconds(1)).Reason);
        Assert.False(book.PermissionFor("api", Seconds(1)).MayStart);
        Assert.NotNull(book.Apply(CommandKind.Activate, Grant(4), Web));
        Assert.NotNull(book.Apply(CommandKind.Activate, Grant(8, group: Billing, name: "billing"), "api"));
        Assert.Null(book.NextExpiry(Seconds(1)));
    }

    [Fact]
    public void A_book_built_from_nothing_is_empty()
    {
        Assert.Empty(new RoleBook().Roles);
        Assert.Empty(new RoleBook([]).Roles);
    }

    // Epochs seen without taking the role

    [Fact]
    public void Seeing_a_new_epoch_records_it_as_a_standby_without_taking_the_role()
    {
        var book = new RoleBook();

        book.SeeEpoch(Grant(7), Web);

        var role = book.Find(Orders)!;
        Assert.Equal((7L, false, (TimeSpan?)null), (role.Epoch, role.Active, role.LeaseExpiresAt));
        Assert.False(book.PermissionFor(Web, Seconds(1)).MayStart);
        Assert.NotNull(book.Apply(CommandKind.Activate, Grant(6), Web));
        Assert.Null(book.Apply(CommandKind.Activate, Grant(7), Web));
    }

    [Fact]
    public void Seeing_a_newer_epoch_takes_the_role_from_an_older_active()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        book.SeeEpoch(Grant(6), Web);

        var role = book.Find(Orders)!;
        Assert.Equal((6L, false), (role.Epoch, role.Active));
        Assert.False(book.PermissionFor(Web, Seconds(11)).MayKeepRunning);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Seeing_an_epoch_that_is_not_newer_changes_nothing(long epoch)
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));
        var before = book.Find(Orders);

        book.SeeEpoch(Grant(epoch), Web);

        Assert.Same(before, book.Find(Orders));
        Assert.True(book.PermissionFor(Web, Seconds(11)).MayStart);
    }

    /// <summary>
    /// The executor checks <see cref="RoleBook.Refusal"/> before running the activation hook and calls
    /// SeeEpoch when the hook fails; another group may take the service meanwhile. The book must not
    /// then hold the service in two groups (which of them <see cref="RoleBook.ForService"/> answers would be chance).
    /// </summary>
    [Fact]
    public void Seeing_an_epoch_for_a_service_of_another_group_leaves_the_service_in_its_own_group()
    {
        var book = Leased(epoch: 5, renewedAt: Seconds(10));

        book.SeeEpoch(Grant(3, group: Billing, name: "billing"), Web);

        Assert.Equal(Orders, Assert.Single(book.Roles, r => r.Service.Equals(Web, StringComparison.OrdinalIgnoreCase)).GroupId);
        Assert.True(book.PermissionFor(Web, Seconds(11)).MayStart);
    }

    // Properties that hold whatever happens

    [Fact]
    public void Whatever_the_commands_and_renewals_epochs_never_go_back_and_a_start_needs_a_valid_lease()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            RandomRun(seed, steps: 200);
        }
    }

    private static void RandomRun(int seed, int steps)
    {
        var random = new Random(seed);
        Guid[] groups = [Orders, Billing, Guid.Parse("0b9c2f4e-0000-4000-8000-000000000003")];
        string[] services = ["web", "api", "API", "worker"];
        var book = new RoleBook();
        var now = TimeSpan.Zero;
        var highest = new Dictionary<Guid, long>();
        var leaseEnds = new Dictionary<Guid, (long Epoch, TimeSpan End)>();

        for (var step = 0; step < steps; step++)
        {
            var where = $"seed {seed}, step {step}";
            var group = groups[random.Next(groups.Length)];
            var service = services[random.Next(services.Length)];
            var epoch = Math.Max(0, highest.GetValueOrDefault(group) + random.Next(-2, 3));
            var grant = Grant(epoch, group: group, name: $"group-{Array.IndexOf(groups, group)}") with
            {
                Terms = new RoleTerms { Version = random.Next(0, 4), Isolation = random.Next(2) == 0 ? IsolationPolicy.Stop : IsolationPolicy.KeepRunning },
                LeaseMs = random.Next(100, 3000),
            };
            var before = book.Roles.ToHashSet();

            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    var kind = random.Next(12) switch
                    {
                        < 6 => CommandKind.Activate,
                        < 10 => CommandKind.Deactivate,
                        10 => CommandKind.Release,
                        _ => CommandKind.Restart,
                    };
                    var expected = book.Refusal(grant, service) ?? (kind == CommandKind.Activate ? book.ActivationRefusal(grant) : null);
                    var deactivated = book.Find(group) is { Deactivated: true } standby && standby.Epoch == epoch;
                    var refusal = book.Apply(kind, grant, service);
                    if (kind == CommandKind.Restart)
                    {
                        Assert.NotNull(refusal);
                    }
                    else
                    {
                        Assert.True(expected == refusal, $"{where}: Refusal said '{expected}', Apply said '{refusal}'");
                    }

                    if (kind == CommandKind.Activate && deactivated)
                    {
                        Assert.True(refusal is not null, $"{where}: an Activate at epoch {epoch}, given up by a Deactivate, was taken");
                    }

                    if (refusal is not null)
                    {
                        Assert.True(before.SetEquals(book.Roles), $"{where}: a refused {kind} changed the book");
                    }
                    else if (kind == CommandKind.Release)
                    {
                        // A released group is forgotten, epochs included: it starts over if it ever comes back.
                        highest.Remove(group);
                        Assert.Null(book.Find(group));
                    }
                    else
                    {
                        Assert.Equal(epoch, book.Find(group)!.Epoch);
                        Assert.Equal(kind == CommandKind.Activate, book.Find(group)!.Active);
                    }

                    break;
                case 3:
                    // As the executor does: only after the refusal check passed (its hook failed).
                    if (book.Refusal(grant, service) is null)
                    {
                        book.SeeEpoch(grant, service);
                    }

                    break;
                case 4 or 5 or 6:
                    var held = book.Find(group);
                    var renewedEpoch = held is not null && random.Next(4) > 0 ? held.Epoch : epoch;
                    var sentAt = now - TimeSpan.FromMilliseconds(Math.Min(now.TotalMilliseconds, random.Next(0, 1000)));
                    book.Renew([new LeaseRenewal { GroupId = group, Epoch = renewedEpoch, LeaseMs = random.Next(100, 3000), Terms = new RoleTerms { Version = random.Next(0, 4) } }], sentAt);
                    break;
                default:
                    now += TimeSpan.FromMilliseconds(random.Next(0, 2000));
                    break;
            }

            foreach (var role in book.Roles)
            {
                Assert.True(role.Epoch >= highest.GetValueOrDefault(role.GroupId, long.MinValue), $"{where}: the epoch of {role.GroupName} went back from {highest.GetValueOrDefault(role.GroupId)} to {role.Epoch}");
                highest[role.GroupId] = role.Epoch;
                if (role is { Active: true, LeaseExpiresAt: { } end })
                {
                    if (leaseEnds.TryGetValue(role.GroupId, out var last) && last.Epoch == role.Epoch)
                    {
                        Assert.True(end >= last.End, $"{where}: the lease of {role.GroupName} at epoch {role.Epoch} was shortened from {last.End} to {end}");
                    }

                    leaseEnds[role.GroupId] = (role.Epoch, end);
                }
                else
                {
                    // A role that lost its lease (deactivated, activated anew) starts a new one.
                    leaseEnds.Remove(role.GroupId);
                }
            }

            foreach (var gone in leaseEnds.Keys.Where(g => book.Find(g) is null).ToList())
            {
                leaseEnds.Remove(gone);
            }

            Assert.True(book.Roles.GroupBy(r => r.Service, StringComparer.OrdinalIgnoreCase).All(g => g.Count() == 1), $"{where}: a service belongs to two groups");
            foreach (var name in services)
            {
                var allowance = book.PermissionFor(name, now);
                var role = book.ForService(name);
                if (allowance.MayStart)
                {
                    Assert.True(role is null || (role.Active && role.LeaseExpiresAt > now), $"{where}: {name} may start without a valid lease ({role})");
                    Assert.True(allowance.MayKeepRunning, $"{where}: {name} may start but not keep running");
                }

                if (role is not null && !role.HoldsLease(now))
                {
                    Assert.False(allowance.MayStart, $"{where}: {name} may start without holding the lease");
                }

                if (!allowance.MayStart)
                {
                    Assert.False(string.IsNullOrEmpty(allowance.Reason), $"{where}: {name} is held without a reason");
                }

                if (allowance.ReviewIn is { } review)
                {
                    Assert.True(review > TimeSpan.Zero && now + review == role!.LeaseExpiresAt, $"{where}: {name} is to be reviewed in {review}");
                }
            }

            if (book.NextExpiry(now) is { } next)
            {
                Assert.True(next > now, $"{where}: the next expiry {next} is not ahead of {now}");
                Assert.Contains(book.Roles, r => r.Active && r.LeaseExpiresAt == next);
            }
        }
    }

    // Builders

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    private static RoleGrant Grant(long epoch, Guid? group = null, string name = "orders") => new()
    {
        GroupId = group ?? Orders,
        GroupName = name,
        Epoch = epoch,
        LeaseMs = 3000,
        Terms = new RoleTerms { Version = 1 },
    };

    private static LeaseRenewal Renewal(long epoch, int leaseMs = 3000, Guid? group = null) => new()
    {
        GroupId = group ?? Orders,
        Epoch = epoch,
        LeaseMs = leaseMs,
        Terms = new RoleTerms { Version = 1 },
    };

    private static GroupRole StoredRole(Guid group, string service, long epoch, bool active) => new()
    {
        GroupId = group,
        GroupName = group == Orders ? "orders" : "billing",
        Service = service,
        Epoch = epoch,
        Active = active,
    };

    /// <summary>Web is the active member of orders at this epoch, waiting for its first lease.</summary>
    private static RoleBook Active(long epoch)
    {
        var book = new RoleBook();
        Assert.Null(book.Apply(CommandKind.Activate, Grant(epoch), Web));
        return book;
    }

    /// <summary>Web is the active member of orders with a 3 s lease from <paramref name="renewedAt"/>.</summary>
    private static RoleBook Leased(long epoch, TimeSpan renewedAt, IsolationPolicy isolation = IsolationPolicy.Stop)
    {
        var book = new RoleBook();
        Assert.Null(book.Apply(CommandKind.Activate, Grant(epoch) with { Terms = new RoleTerms { Version = 1, Isolation = isolation } }, Web));
        book.Renew([Renewal(epoch)], renewedAt);
        return book;
    }
}

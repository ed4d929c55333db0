using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Failover;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;
using static Vigil.ControlPlane.Failover.FailoverDecision;
using static Vigil.ControlPlane.Tests.Failover.EngineViews;

namespace Vigil.ControlPlane.Tests.Failover;

/// <summary>
/// A confirmed deactivation is a release: the old active's agent answered that it carried out the
/// Deactivate of the transition, so the new member is activated without waiting for the old one's
/// next heartbeat. Each guard of the rule on its own, then every combination of them.
/// </summary>
public sealed class ConfirmedDeactivationTests
{
    private const string Current = "connection-2";
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_confirmed_deactivation_at_the_current_epoch_releases_the_old_active_at_once_without_waiting_for_its_lease_or_its_next_report()
    {
        Assert.Contains("lease surely ends in 3.0 s", Assert.IsType<Wait>(Last(Handing(OldActive()))).Status, StringComparison.Ordinal);

        Assert.Equal(new Activate(B), Last(Handing(OldActive() with { Standby = Confirmation() })));
    }

    [Fact]
    public void A_confirmed_deactivation_releases_under_isolation_KeepRunning_too_as_a_report_of_the_service_down_would()
    {
        var keepRunning = Handing(OldActive() with { Standby = Confirmation() }) with { Policy = new GroupPolicy { Isolation = IsolationPolicy.KeepRunning } };

        Assert.Equal(new Activate(B), Last(keepRunning));
    }

    [Fact]
    public void A_confirmation_for_an_older_epoch_releases_nothing()
    {
        Assert.IsType<Wait>(Last(Handing(OldActive() with { Standby = Confirmation() with { Epoch = 1 } })));
    }

    [Fact]
    public void A_confirmation_that_came_on_another_connection_than_the_nodes_current_one_releases_nothing()
    {
        // The agent reconnected, or another run of it registered, since the answer came.
        Assert.IsType<Wait>(Last(Handing(OldActive() with { Standby = Confirmation() with { Connection = "connection-1" } })));
        Assert.IsType<Wait>(Last(Handing(OldActive() with { Standby = Confirmation(), Connection = null, Reachable = false })));
    }

    [Fact]
    public void A_confirmation_of_a_deactivation_sent_before_the_members_last_activation_releases_nothing()
    {
        var confirmed = Confirmation();

        Assert.IsType<Wait>(Last(Handing(OldActive() with { Standby = confirmed, ActivateSentAt = confirmed.SentAt + TimeSpan.FromMilliseconds(1) })));
        Assert.IsType<Wait>(Last(Handing(OldActive() with { Standby = confirmed, ActivateSentAt = confirmed.SentAt })));
        Assert.Equal(new Activate(B), Last(Handing(OldActive() with { Standby = confirmed, ActivateSentAt = confirmed.SentAt - TimeSpan.FromMilliseconds(1) })));
        Assert.Equal(new Activate(B), Last(Handing(OldActive() with { Standby = confirmed, ActivateSentAt = null })));
    }

    [Fact]
    public void A_report_that_arrived_after_the_confirmation_and_shows_the_service_up_or_the_role_active_overrides_it()
    {
        var confirmed = Confirmation();
        var after = confirmed.ReceivedAt + TimeSpan.FromMilliseconds(10);
        var standingBy = OldActive() with { Standby = confirmed, LatestReportGranted = false, Role = Role(2, active: false), ReportedAt = after, ServiceUp = false };

        Assert.IsType<Wait>(Last(Handing(standingBy with { ServiceUp = true, Role = Role(2, active: false) with { ServiceUp = true } })));
        Assert.IsType<Wait>(Last(Handing(standingBy with { ServiceUp = true, ReportedAt = confirmed.ReceivedAt })));
        Assert.IsType<Wait>(Last(Handing(standingBy with { Role = Role(2, active: true), LatestReportGranted = true })));
        // The same report before the answer is older news than the answer.
        Assert.Equal(new Activate(B), Last(Handing(standingBy with { ServiceUp = true, ReportedAt = confirmed.ReceivedAt - TimeSpan.FromMilliseconds(1) })));
        Assert.Equal(new Activate(B), Last(Handing(standingBy)));
    }

    [Fact]
    public void A_confirmation_never_releases_the_member_meant_to_be_active_at_the_epoch()
    {
        var group = Handing(OldActive() with { Standby = Confirmation() });
        var target = group.Members.Single(m => m.MemberId == B) with { Standby = Confirmation(), Connection = Current };

        Assert.False(FailoverEngine.StandsByAsConfirmed(group, target));
        Assert.True(FailoverEngine.StandsByAsConfirmed(group, group.Members.Single(m => m.MemberId == A)));
    }

    [Fact]
    public void Outside_a_transition_a_confirmed_standby_lets_the_active_member_that_lost_its_role_be_activated_again()
    {
        // A restarted and reports no role at epoch 2; B had held the role at epoch 1 and confirmed it stands by at epoch 2.
        var a = Active(A) with { Role = Role(1, active: false), ServiceUp = false, Health = ServiceHealth.Stopped };
        var b = OldActive(B);
        var group = Group(A, a, b) with { Epoch = 2 };

        Assert.IsType<Wait>(Last(group));
        Assert.Equal(new Activate(A), Last(group with { Members = [a, b with { Standby = Confirmation() }] }));
    }

    public static TheoryData<long, string?, int, int, bool, bool> Combinations()
    {
        var data = new TheoryData<long, string?, int, int, bool, bool>();
        foreach (var epoch in new long[] { 1, 2 })
        {
            foreach (var connection in new[] { Current, "connection-1", null })
            {
                // Last activation: -1 none, 0 before the Deactivate, 1 with it, 2 after it. Latest report: -1 none, 0 before the answer, 1 with it, 2 after it.
                foreach (var activated in new[] { -1, 0, 1, 2 })
                {
                    foreach (var reported in new[] { -1, 0, 1, 2 })
                    {
                        foreach (var up in new[] { false, true })
                        {
                            foreach (var active in new[] { false, true })
                            {
                                data.Add(epoch, connection, activated, reported, up, active);
                            }
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void The_old_active_is_released_by_its_confirmation_only_when_every_guard_holds(long epoch, string? connection, int activated, int reported, bool up, bool active)
    {
        var confirmed = Confirmation() with { Epoch = epoch, Connection = connection ?? "connection-0" };
        var member = OldActive() with
        {
            Standby = confirmed,
            ActivateSentAt = activated < 0 ? null : confirmed.SentAt + ((activated - 1) * Second / 10),
            ReportedAt = reported < 0 ? null : confirmed.ReceivedAt + ((reported - 1) * Second / 10),
            ServiceUp = up,
            Role = Role(active ? 1 : 2, active, lease: active) with { ServiceUp = up },
        };

        var counts = epoch == 2 && connection == Current && activated < 1 && !(reported >= 1 && (up || active));

        Assert.Equal(counts, FailoverEngine.StandsByAsConfirmed(Handing(member), member));
        Assert.Equal(counts ? new Activate(B) : null, Last(Handing(member)) as Activate);
    }

    /// <summary>A failover to B at epoch 2 under way, its Activate not sent yet: B waits for A.</summary>
    private static GroupSnapshot Handing(MemberView oldActive) =>
        Group(B, oldActive, Standby(B)) with { Epoch = 2, Pending = Transition(to: B, epoch: 2) };

    /// <summary>
    /// The active until the failover: its latest report, answered with a lease a moment ago, shows it
    /// active with the service up; its lease surely ends 3 s from now; it was activated a minute ago.
    /// </summary>
    private static MemberView OldActive(Guid? id = null) => Active(id ?? A) with
    {
        LatestReportGranted = true,
        LeaseSurelyEndedAt = Now + (3 * Second),
        Connection = Current,
        ReportedAt = Now - Second,
        ActivateSentAt = Now - (60 * Second),
        DeactivateSent = true,
    };

    /// <summary>The Deactivate at epoch 2 sent 300 ms ago, answered on the current connection 100 ms ago.</summary>
    private static StandbyConfirmation Confirmation() =>
        new() { Epoch = 2, Connection = Current, SentAt = Now - (Second * 3 / 10), ReceivedAt = Now - (Second / 10) };
}

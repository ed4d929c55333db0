using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Tests.Decider;

public sealed class DeciderElectionTests
{
    private static readonly Guid First = Guid.Parse("0b6f2b44-1a57-4d6c-9d8f-000000000001");
    private static readonly Guid Second = Guid.Parse("0b6f2b44-1a57-4d6c-9d8f-000000000002");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 21, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_first_instance_on_a_database_takes_the_lease_with_token_1()
    {
        var claim = Assert.IsType<DeciderClaim.Held>(DeciderElection.Claim(null, null, First, "first", Now, Duration));

        Assert.True(claim.TookOver);
        Assert.Equal(new DeciderLeaseState(First, "first", Now + Duration, 1), claim.Lease);
    }

    [Fact]
    public void A_second_instance_meeting_a_live_lease_of_another_is_refused()
    {
        var stored = new DeciderLeaseState(First, "first", Now + TimeSpan.FromSeconds(1), 4);

        var claim = Assert.IsType<DeciderClaim.HeldByOther>(DeciderElection.Claim(stored, null, Second, "second", Now, Duration));

        Assert.Equal(stored, claim.Lease);
    }

    [Fact]
    public void A_second_instance_meeting_an_expired_lease_takes_it_over_with_the_next_token()
    {
        var stored = new DeciderLeaseState(First, "first", Now, 4);

        var claim = Assert.IsType<DeciderClaim.Held>(DeciderElection.Claim(stored, null, Second, "second", Now, Duration));

        Assert.True(claim.TookOver);
        Assert.Equal(new DeciderLeaseState(Second, "second", Now + Duration, 5), claim.Lease);
    }

    [Fact]
    public void The_holder_renews_its_lease_with_the_same_token()
    {
        var stored = new DeciderLeaseState(First, "first", Now + TimeSpan.FromSeconds(10), 4);

        var claim = Assert.IsType<DeciderClaim.Held>(DeciderElection.Claim(stored, 4, First, "first", Now, Duration));

        Assert.False(claim.TookOver);
        Assert.Equal(stored with { ExpiresAt = Now + Duration }, claim.Lease);
    }

    [Fact]
    public void The_next_run_of_the_holding_installation_takes_over_at_once_with_the_next_token()
    {
        // The previous run crashed; this run holds the data directory, so that run is surely gone.
        var stored = new DeciderLeaseState(First, "first", Now + TimeSpan.FromSeconds(10), 4);

        var claim = Assert.IsType<DeciderClaim.Held>(DeciderElection.Claim(stored, null, First, "first again", Now, Duration));

        Assert.True(claim.TookOver);
        Assert.Equal(5, claim.Lease.Token);
    }

    [Fact]
    public void A_holder_whose_lease_was_taken_over_does_not_take_it_back()
    {
        // The holder stalled past its lease; another instance took over (token 5) and later stopped.
        var stored = new DeciderLeaseState(Second, "second", Now - TimeSpan.FromSeconds(1), 5);

        Assert.IsType<DeciderClaim.HeldByOther>(DeciderElection.Claim(stored, 4, First, "first", Now, Duration));
    }
}

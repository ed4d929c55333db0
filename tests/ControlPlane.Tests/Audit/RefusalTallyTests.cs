using Vigil.ControlPlane.Audit;

namespace Vigil.ControlPlane.Tests.Audit;

public sealed class RefusalTallyTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 21, 0, 0, TimeSpan.Zero);

    private static AuditRecord Refusal(string source = "203.0.113.9", string action = "EnrollAgent") =>
        new("agent:unknown", action, "/api/v1/agents/enroll", source, AuditOutcome.Denied, "HTTP 401") { Unauthenticated = true };

    [Fact]
    public void A_flood_from_one_address_is_one_row_then_one_count_per_minute()
    {
        var tally = new RefusalTally();
        var written = new List<AuditRecord>();

        for (var i = 0; i < 1000; i++)
        {
            written.AddRange(tally.Admit(Refusal(), Start + TimeSpan.FromMilliseconds(i * 50)));
        }

        written.AddRange(tally.TakeDue(Start + RefusalTally.Window));

        Assert.Equal(2, written.Count);
        Assert.Equal("HTTP 401", written[0].Detail);
        Assert.Equal("203.0.113.9", written[1].SourceAddress);
        Assert.StartsWith("999 more refusals from 203.0.113.9", written[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_address_and_action_has_its_own_first_row()
    {
        var tally = new RefusalTally();

        Assert.Single(tally.Admit(Refusal("203.0.113.1"), Start));
        Assert.Single(tally.Admit(Refusal("203.0.113.2"), Start));
        Assert.Single(tally.Admit(Refusal("203.0.113.1", "account.login"), Start));
        Assert.Empty(tally.Admit(Refusal("203.0.113.1"), Start));
    }

    [Fact]
    public void A_minute_without_more_refusals_writes_no_count()
    {
        var tally = new RefusalTally();
        tally.Admit(Refusal(), Start);

        Assert.Empty(tally.TakeDue(Start + RefusalTally.Window));
        Assert.Single(tally.Admit(Refusal(), Start + RefusalTally.Window));
    }

    [Fact]
    public void Beyond_the_tracked_addresses_refusals_are_counted_under_many_sources()
    {
        var tally = new RefusalTally();
        var written = 0;
        for (var i = 0; i < RefusalTally.SourceCountMax + 500; i++)
        {
            written += tally.Admit(Refusal($"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"), Start).Count;
        }

        var counted = Assert.Single(tally.TakeDue(Start + RefusalTally.Window));

        Assert.Equal(RefusalTally.SourceCountMax + 1, written);
        Assert.StartsWith($"499 more refusals from {RefusalTally.ManySources}", counted.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_denials_to_unauthenticated_callers_are_tallied()
    {
        Assert.True(RefusalTally.Applies(Refusal()));
        Assert.False(RefusalTally.Applies(Refusal() with { Unauthenticated = false }));
        Assert.False(RefusalTally.Applies(Refusal() with { Outcome = AuditOutcome.Failed }));
    }
}

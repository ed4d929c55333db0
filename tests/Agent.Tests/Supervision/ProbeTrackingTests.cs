using Vigil.Agent.Supervision.Policy;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision;

public sealed class ProbeTrackingTests
{
    private static readonly ProbeDefinition Probe = new() { Kind = ProbeKinds.Http, Url = "http://x/", Rise = 2, Fall = 3 };

    [Fact]
    public void A_probe_starts_unknown_and_passes_after_rise_successes_in_a_row()
    {
        var status = ProbeStatus.New("http-0");

        status = ProbeTracking.Apply(status, Probe, success: true, "HTTP 200", inStartupGrace: false);
        Assert.Equal(ProbeVerdict.Unknown, status.Verdict);
        status = ProbeTracking.Apply(status, Probe, success: true, "HTTP 200", inStartupGrace: false);
        Assert.Equal(ProbeVerdict.Passing, status.Verdict);
    }

    [Fact]
    public void A_passing_probe_fails_only_after_fall_failures_in_a_row()
    {
        var status = Passing();

        status = ProbeTracking.Apply(status, Probe, false, "HTTP 500", false);
        status = ProbeTracking.Apply(status, Probe, false, "HTTP 500", false);
        Assert.Equal(ProbeVerdict.Passing, status.Verdict);
        status = ProbeTracking.Apply(status, Probe, false, "HTTP 500", false);
        Assert.Equal(ProbeVerdict.Failing, status.Verdict);
        Assert.Equal("HTTP 500", status.LastDetail);
    }

    [Fact]
    public void A_success_breaks_a_failure_streak()
    {
        var status = Passing();

        status = ProbeTracking.Apply(status, Probe, false, "x", false);
        status = ProbeTracking.Apply(status, Probe, false, "x", false);
        status = ProbeTracking.Apply(status, Probe, true, "ok", false);
        status = ProbeTracking.Apply(status, Probe, false, "x", false);
        status = ProbeTracking.Apply(status, Probe, false, "x", false);

        Assert.Equal(ProbeVerdict.Passing, status.Verdict);
    }

    [Fact]
    public void A_failing_probe_recovers_after_rise_successes()
    {
        var status = ProbeStatus.New("p");
        for (var i = 0; i < 3; i++)
        {
            status = ProbeTracking.Apply(status, Probe, false, "x", false);
        }

        Assert.Equal(ProbeVerdict.Failing, status.Verdict);
        status = ProbeTracking.Apply(status, Probe, true, "ok", false);
        Assert.Equal(ProbeVerdict.Failing, status.Verdict);
        status = ProbeTracking.Apply(status, Probe, true, "ok", false);
        Assert.Equal(ProbeVerdict.Passing, status.Verdict);
    }

    [Fact]
    public void Failures_within_the_startup_grace_do_not_count()
    {
        var status = ProbeStatus.New("p");
        for (var i = 0; i < 10; i++)
        {
            status = ProbeTracking.Apply(status, Probe, false, "connection refused", inStartupGrace: true);
        }

        Assert.Equal(ProbeVerdict.Unknown, status.Verdict);
        Assert.Equal(0, status.Failures);
        Assert.Contains("startup grace", status.LastDetail, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_sequence_matches_a_simple_model_of_rise_and_fall()
    {
        var random = new Random(42);
        foreach (var (rise, fall) in new[] { (1, 1), (2, 3), (3, 2), (5, 5) })
        {
            var probe = Probe with { Rise = rise, Fall = fall };
            var status = ProbeStatus.New("p");
            var expected = ProbeVerdict.Unknown;
            int successes = 0, failures = 0;
            for (var i = 0; i < 2000; i++)
            {
                var success = random.NextDouble() < 0.6;
                status = ProbeTracking.Apply(status, probe, success, "", false);
                (successes, failures) = success ? (successes + 1, 0) : (0, failures + 1);
                if (successes >= rise)
                {
                    expected = ProbeVerdict.Passing;
                }
                else if (failures >= fall)
                {
                    expected = ProbeVerdict.Failing;
                }

                Assert.Equal(expected, status.Verdict);
            }
        }
    }

    private static ProbeStatus Passing()
    {
        var status = ProbeStatus.New("p");
        status = ProbeTracking.Apply(status, Probe, true, "ok", false);
        return ProbeTracking.Apply(status, Probe, true, "ok", false);
    }
}

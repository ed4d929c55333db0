using Vigil.Agent.Supervision.Policy;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision;

public sealed class HealthRulesTests
{
    [Fact]
    public void Running_without_probes_is_healthy()
    {
        Assert.Equal(ServiceHealth.Healthy, HealthRules.Evaluate(new HealthInputs { State = ServiceState.Running }).Health);
    }

    [Fact]
    public void Running_with_every_probe_passing_is_healthy()
    {
        var inputs = new HealthInputs { State = ServiceState.Running, Probes = [Probe("a", ProbeVerdict.Passing), Probe("b", ProbeVerdict.Passing)] };

        Assert.Equal((ServiceHealth.Healthy, "running; all probes pass"), HealthRules.Evaluate(inputs));
    }

    [Fact]
    public void A_failing_probe_makes_a_running_service_unhealthy_and_says_which()
    {
        var inputs = new HealthInputs { State = ServiceState.Running, Probes = [Probe("a", ProbeVerdict.Passing), Probe("http-1", ProbeVerdict.Failing, "HTTP 500")] };

        var (health, reason) = HealthRules.Evaluate(inputs);

        Assert.Equal(ServiceHealth.Unhealthy, health);
        Assert.Equal("probe http-1 failing: HTTP 500", reason);
    }

    [Fact]
    public void A_probe_not_yet_passed_makes_a_running_service_degraded()
    {
        var inputs = new HealthInputs { State = ServiceState.Running, Probes = [Probe("tcp-0", ProbeVerdict.Unknown, "not run yet")] };

        Assert.Equal(ServiceHealth.Degraded, HealthRules.Evaluate(inputs).Health);
    }

    [Theory]
    [InlineData(ServiceState.StartPending, "starting")]
    [InlineData(ServiceState.StopPending, "stopping")]
    [InlineData(ServiceState.PausePending, "pausing")]
    [InlineData(ServiceState.ContinuePending, "continuing")]
    [InlineData(ServiceState.Paused, "paused")]
    public void Pending_and_paused_states_are_degraded(ServiceState state, string reason)
    {
        Assert.Equal((ServiceHealth.Degraded, reason), HealthRules.Evaluate(new HealthInputs { State = state }));
    }

    [Fact]
    public void A_stopped_service_waiting_for_a_restart_says_so()
    {
        var inputs = new HealthInputs { State = ServiceState.Stopped, PendingRestart = "exited with code 1; restart 2 of 5 in 2 s" };

        Assert.Equal((ServiceHealth.Stopped, "exited with code 1; restart 2 of 5 in 2 s"), HealthRules.Evaluate(inputs));
    }

    [Fact]
    public void A_spent_budget_is_failed_whatever_the_state()
    {
        foreach (var state in Enum.GetValues<ServiceState>())
        {
            Assert.Equal(ServiceHealth.Failed, HealthRules.Evaluate(new HealthInputs { State = state, GaveUp = "gave up" }).Health);
        }
    }

    [Fact]
    public void An_unknown_state_is_unknown_with_the_detail()
    {
        var inputs = new HealthInputs { State = ServiceState.Unknown, StateDetail = "the Windows service 'X' was not found" };

        Assert.Equal((ServiceHealth.Unknown, "the Windows service 'X' was not found"), HealthRules.Evaluate(inputs));
    }

    [Fact]
    public void Every_state_and_probe_combination_has_a_verdict_with_a_reason_and_probes_matter_only_while_running()
    {
        foreach (var state in Enum.GetValues<ServiceState>())
        {
            var withoutProbes = HealthRules.Evaluate(new HealthInputs { State = state });
            foreach (var verdict in Enum.GetValues<ProbeVerdict>())
            {
                var (health, reason) = HealthRules.Evaluate(new HealthInputs { State = state, Probes = [Probe("p", verdict)] });

                Assert.False(string.IsNullOrWhiteSpace(reason));
                var expected = state != ServiceState.Running ? withoutProbes.Health : verdict switch
                {
                    ProbeVerdict.Passing => ServiceHealth.Healthy,
                    ProbeVerdict.Failing => ServiceHealth.Unhealthy,
                    _ => ServiceHealth.Degraded,
                };
                Assert.Equal(expected, health);
            }
        }
    }

    private static ProbeStatus Probe(string name, ProbeVerdict verdict, string detail = "ok") => new(name, verdict, 0, 0, detail);
}

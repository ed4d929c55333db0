using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Health;

namespace Vigil.ControlPlane.Tests.Health;

public sealed class LivenessRulesTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly LivenessPolicy Defaults = new();

    [Theory]
    [InlineData(0, NodeLiveness.Alive)]
    [InlineData(999, NodeLiveness.Alive)]
    [InlineData(1_999, NodeLiveness.Alive)]
    [InlineData(2_000, NodeLiveness.Suspect)]
    [InlineData(2_999, NodeLiveness.Suspect)]
    [InlineData(3_000, NodeLiveness.Lost)]
    [InlineData(60_000, NodeLiveness.Lost)]
    public void A_connected_node_is_Suspect_after_two_missed_heartbeats_and_Lost_after_three(int silenceMs, NodeLiveness expected)
    {
        var verdict = LivenessRules.Evaluate(Connected(TimeSpan.FromMilliseconds(silenceMs)), Defaults);

        Assert.Equal(expected, verdict.Liveness);
    }

    [Fact]
    public void A_dropped_connection_makes_the_node_Suspect_at_once()
    {
        var verdict = LivenessRules.Evaluate(Disconnected(silence: TimeSpan.FromMilliseconds(100), sinceDisconnect: TimeSpan.Zero), Defaults);

        Assert.Equal(NodeLiveness.Suspect, verdict.Liveness);
        Assert.Equal("connection closed", verdict.Reason);
    }

    [Theory]
    [InlineData(999, NodeLiveness.Suspect)]
    [InlineData(1_000, NodeLiveness.Lost)]
    public void A_dropped_connection_not_back_within_one_interval_makes_the_node_Lost(int sinceDisconnectMs, NodeLiveness expected)
    {
        var sinceDisconnect = TimeSpan.FromMilliseconds(sinceDisconnectMs);

        var verdict = LivenessRules.Evaluate(Disconnected(silence: sinceDisconnect, sinceDisconnect), Defaults);

        Assert.Equal(expected, verdict.Liveness);
    }

    [Fact]
    public void Thresholds_scale_with_the_interval_the_agent_announced()
    {
        var slow = Connected(TimeSpan.FromSeconds(15)) with { HeartbeatInterval = TimeSpan.FromSeconds(10) };
        var fast = Connected(TimeSpan.FromMilliseconds(300)) with { HeartbeatInterval = TimeSpan.FromMilliseconds(100) };

        Assert.Equal(NodeLiveness.Alive, LivenessRules.Evaluate(slow, Defaults).Liveness);
        Assert.Equal(NodeLiveness.Lost, LivenessRules.Evaluate(fast, Defaults).Liveness);
    }

    [Fact]
    public void Custom_thresholds_are_honoured()
    {
        var policy = new LivenessPolicy { SuspectAfterMissedHeartbeats = 4, LostAfterMissedHeartbeats = 8, LostAfterDisconnectIntervals = 3 };

        Assert.Equal(NodeLiveness.Alive, LivenessRules.Evaluate(Connected(TimeSpan.FromSeconds(3.9)), policy).Liveness);
        Assert.Equal(NodeLiveness.Suspect, LivenessRules.Evaluate(Connected(TimeSpan.FromSeconds(4)), policy).Liveness);
        Assert.Equal(NodeLiveness.Lost, LivenessRules.Evaluate(Connected(TimeSpan.FromSeconds(8)), policy).Liveness);
        Assert.Equal(NodeLiveness.Suspect, LivenessRules.Evaluate(Disconnected(TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(2.9)), policy).Liveness);
        Assert.Equal(NodeLiveness.Lost, LivenessRules.Evaluate(Disconnected(TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)), policy).Liveness);
    }

    [Fact]
    public void A_node_unheard_since_start_waits_for_the_startup_grace_before_it_is_Lost()
    {
        var policy = new LivenessPolicy { StartupGrace = TimeSpan.FromSeconds(15) };

        Assert.Equal(NodeLiveness.Suspect, LivenessRules.Evaluate(Unheard(TimeSpan.FromSeconds(14.9), NodeLiveness.Alive), policy).Liveness);
        Assert.Equal(NodeLiveness.Lost, LivenessRules.Evaluate(Unheard(TimeSpan.FromSeconds(15), NodeLiveness.Alive), policy).Liveness);
    }

    [Fact]
    public void A_short_startup_grace_never_shortens_the_usual_lost_threshold()
    {
        var policy = new LivenessPolicy { StartupGrace = TimeSpan.Zero };

        Assert.Equal(NodeLiveness.Suspect, LivenessRules.Evaluate(Unheard(TimeSpan.FromSeconds(2.9), NodeLiveness.Alive), policy).Liveness);
        Assert.Equal(NodeLiveness.Lost, LivenessRules.Evaluate(Unheard(TimeSpan.FromSeconds(3), NodeLiveness.Alive), policy).Liveness);
    }

    [Fact]
    public void A_node_lost_before_the_start_stays_Lost_until_heard_from()
    {
        var verdict = LivenessRules.Evaluate(Unheard(TimeSpan.Zero, NodeLiveness.Lost), Defaults);

        Assert.Equal(NodeLiveness.Lost, verdict.Liveness);
    }

    [Fact]
    public void An_agent_that_stopped_on_purpose_is_Stopped_however_long_the_silence()
    {
        foreach (var silence in new[] { TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromHours(5) })
        {
            var verdict = LivenessRules.Evaluate(Disconnected(silence, silence) with { StoppedOnPurpose = true }, Defaults);

            Assert.Equal((NodeLiveness.Stopped, "the agent stopped on purpose"), (verdict.Liveness, verdict.Reason));
        }
    }

    [Fact]
    public void A_node_stopped_on_purpose_before_the_start_stays_Stopped_until_heard_from()
    {
        Assert.Equal(NodeLiveness.Stopped, LivenessRules.Evaluate(Unheard(TimeSpan.FromMinutes(1), NodeLiveness.Stopped), Defaults).Liveness);
    }

    [Fact]
    public void Liveness_never_improves_as_silence_grows()
    {
        // Every combination of interval, connection state and silence on a fine grid: a longer
        // silence may only keep or worsen the verdict.
        foreach (var intervalMs in new[] { 100, 250, 1000, 5000 })
        {
            foreach (var disconnectedAfterMs in new int?[] { null, 0, 500, 2000 })
            {
                var previous = NodeLiveness.Alive;
                for (var silenceMs = 0; silenceMs <= intervalMs * 5; silenceMs += intervalMs / 20)
                {
                    var silence = TimeSpan.FromMilliseconds(silenceMs);
                    TimeSpan? sinceDisconnect = disconnectedAfterMs is { } after && silenceMs >= after
                        ? TimeSpan.FromMilliseconds(silenceMs - after)
                        : null;
                    var evidence = Connected(silence) with { HeartbeatInterval = TimeSpan.FromMilliseconds(intervalMs), SinceDisconnect = sinceDisconnect };

                    var liveness = LivenessRules.Evaluate(evidence, Defaults).Liveness;

                    Assert.True(liveness >= previous, $"interval {intervalMs} ms, silence {silenceMs} ms: {liveness} after {previous}");
                    previous = liveness;
                }

                Assert.Equal(NodeLiveness.Lost, previous);
            }
        }
    }

    [Fact]
    public void Every_verdict_explains_itself()
    {
        var evidences = new[]
        {
            Connected(TimeSpan.Zero), Connected(TimeSpan.FromSeconds(2)), Connected(TimeSpan.FromSeconds(3)),
            Disconnected(TimeSpan.Zero, TimeSpan.Zero), Disconnected(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)),
            Unheard(TimeSpan.Zero, NodeLiveness.Alive), Unheard(TimeSpan.FromMinutes(1), NodeLiveness.Alive), Unheard(TimeSpan.Zero, NodeLiveness.Lost),
        };

        Assert.All(evidences, evidence => Assert.False(string.IsNullOrWhiteSpace(LivenessRules.Evaluate(evidence, Defaults).Reason)));
    }

    private static LivenessEvidence Connected(TimeSpan silence) =>
        new() { HeartbeatInterval = Interval, Silence = silence, HeardSinceStart = true };

    private static LivenessEvidence Disconnected(TimeSpan silence, TimeSpan sinceDisconnect) =>
        Connected(silence) with { SinceDisconnect = sinceDisconnect };

    private static LivenessEvidence Unheard(TimeSpan sinceStart, NodeLiveness stored) =>
        new() { HeartbeatInterval = Interval, Silence = sinceStart, HeardSinceStart = false, StoredLiveness = stored };
}

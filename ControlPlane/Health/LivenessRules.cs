using System.Globalization;
using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Health;

/// <summary>Decides a node's liveness from heartbeat age and connection state. Pure: no clock, no I/O.</summary>
public static class LivenessRules
{
    public static LivenessVerdict Evaluate(LivenessEvidence evidence, LivenessPolicy policy)
    {
        var interval = evidence.HeartbeatInterval;
        var lostAfterSilence = interval * policy.LostAfterMissedHeartbeats;
        var suspectAfterSilence = interval * policy.SuspectAfterMissedHeartbeats;

        if (!evidence.HeardSinceStart)
        {
            return EvaluateUnheard(evidence, policy, lostAfterSilence);
        }

        if (evidence.StoppedOnPurpose)
        {
            return new(NodeLiveness.Stopped, "the agent stopped on purpose");
        }

        if (evidence.Silence >= lostAfterSilence)
        {
            return new(NodeLiveness.Lost, Describe("no heartbeat for", evidence.Silence));
        }

        if (evidence.SinceDisconnect is { } sinceDisconnect)
        {
            return sinceDisconnect >= interval * policy.LostAfterDisconnectIntervals
                ? new(NodeLiveness.Lost, Describe("connection closed and not re-established for", sinceDisconnect))
                : new(NodeLiveness.Suspect, "connection closed");
        }

        return evidence.Silence >= suspectAfterSilence
            ? new(NodeLiveness.Suspect, Describe("no heartbeat for", evidence.Silence))
            : new(NodeLiveness.Alive, "heartbeats on time");
    }

    private static LivenessVerdict EvaluateUnheard(LivenessEvidence evidence, LivenessPolicy policy, TimeSpan lostAfterSilence)
    {
        if (evidence.StoredLiveness is NodeLiveness.Lost or NodeLiveness.Stopped)
        {
            return new(evidence.StoredLiveness, evidence.StoredLiveness == NodeLiveness.Lost
                ? "lost before the control plane started and not heard from since"
                : "the agent stopped on purpose before the control plane started");
        }

        var lostAfter = lostAfterSilence > policy.StartupGrace ? lostAfterSilence : policy.StartupGrace;
        return evidence.Silence >= lostAfter
            ? new(NodeLiveness.Lost, Describe("not heard from since the control plane started,", evidence.Silence))
            : new(NodeLiveness.Suspect, "waiting for the agent to reconnect after a control plane start");
    }

    private static string Describe(string what, TimeSpan duration) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {duration.TotalSeconds:0.0} s");
}

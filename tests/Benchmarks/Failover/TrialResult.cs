namespace Vigil.Benchmarks.Failover;

/// <summary>What one trial measured. Times are milliseconds from the fault, on this machine's UTC clock (the control plane's too).</summary>
/// <param name="DetectionMs">The history entry's <c>detectedAt</c> (for a switchover <c>decidedAt</c>) minus the fault time.</param>
/// <param name="RtoMs">From the fault until the first 10 ms sample in which another member's port answered.</param>
/// <param name="HistoryRtoMs">The control plane's own <c>rtoMs</c>: from its detection until it confirmed the new active.</param>
/// <param name="LongestSampleGapMs">The longest time between two port samples from the fault until the move: the RTO's real resolution.</param>
/// <param name="Settled">The group settled again after the trial (else the last note says how it was left, and no further trial can start).</param>
/// <param name="OverlapSamples">Samples, from the trial's start until the group had settled again, in which two ports answered.</param>
public sealed record TrialResult(
    FailoverScenario Scenario,
    int Trial,
    string From,
    string To,
    DateTimeOffset FaultAt,
    double DetectionMs,
    double RtoMs,
    long? HistoryRtoMs,
    double LongestSampleGapMs,
    int OverlapSamples,
    IReadOnlyList<string> OverlapMoments,
    string Reason,
    IReadOnlyList<string> Notes,
    bool Settled);

/// <summary>A trial that did not complete, and why.</summary>
public sealed record TrialFailure(FailoverScenario Scenario, int Trial, string Message);

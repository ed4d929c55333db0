using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Policy;

public enum ProbeVerdict
{
    /// <summary>Not yet passed <c>Rise</c> times nor failed <c>Fall</c> times in a row since the service started.</summary>
    Unknown,
    Passing,
    Failing,
}

/// <summary>A probe's standing: its verdict, the current streak, and what the last result said.</summary>
public sealed record ProbeStatus(string Name, ProbeVerdict Verdict, int Successes, int Failures, string LastDetail)
{
    public static ProbeStatus New(string name) => new(name, ProbeVerdict.Unknown, 0, 0, "not run yet");
}

/// <summary>Rise and fall, with Kubernetes/keepalived semantics, as a pure function.</summary>
public static class ProbeTracking
{
    /// <param name="inStartupGrace">Failures during the service's startup grace are shown but not counted.</param>
    public static ProbeStatus Apply(ProbeStatus status, ProbeDefinition probe, bool success, string detail, bool inStartupGrace)
    {
        if (success)
        {
            var successes = status.Successes + 1;
            var verdict = status.Verdict == ProbeVerdict.Passing || successes >= probe.Rise ? ProbeVerdict.Passing : status.Verdict;
            return status with { Verdict = verdict, Successes = successes, Failures = 0, LastDetail = detail };
        }

        if (inStartupGrace)
        {
            return status with { Successes = 0, LastDetail = $"{detail} (within the startup grace)" };
        }

        var failures = status.Failures + 1;
        var next = status.Verdict == ProbeVerdict.Failing || failures >= probe.Fall ? ProbeVerdict.Failing : status.Verdict;
        return status with { Verdict = next, Successes = 0, Failures = failures, LastDetail = detail };
    }
}

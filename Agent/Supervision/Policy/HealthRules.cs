using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Policy;

/// <summary>Everything the health verdict of a service depends on.</summary>
public sealed record HealthInputs
{
    public required ServiceState State { get; init; }

    /// <summary>Why the state is what it is, from the service manager (e.g. "service 'X' was not found").</summary>
    public string? StateDetail { get; init; }

    /// <summary>False when an operator (or the configuration) wants it stopped.</summary>
    public bool WantedRunning { get; init; } = true;

    /// <summary>The reason the restart budget was given up, when it was.</summary>
    public string? GaveUp { get; init; }

    /// <summary>Set while a restart is scheduled, e.g. "exited with code 1; restart 2 of 5 in 2 s".</summary>
    public string? PendingRestart { get; init; }

    public IReadOnlyList<ProbeStatus> Probes { get; init; } = [];
}

/// <summary>Combines state and probes into Healthy / Degraded / Unhealthy / Stopped / Failed / Unknown, with the reason.</summary>
public static class HealthRules
{
    public static (ServiceHealth Health, string Reason) Evaluate(HealthInputs inputs)
    {
        if (inputs.GaveUp is { } gaveUp)
        {
            return (ServiceHealth.Failed, gaveUp);
        }

        switch (inputs.State)
        {
            case ServiceState.Unknown:
                return (ServiceHealth.Unknown, inputs.StateDetail ?? "state unknown");
            case ServiceState.Stopped:
                return (ServiceHealth.Stopped, inputs.PendingRestart ?? inputs.StateDetail ?? (inputs.WantedRunning ? "stopped" : "stopped on purpose"));
            case ServiceState.StartPending or ServiceState.StopPending or ServiceState.PausePending or ServiceState.ContinuePending:
                return (ServiceHealth.Degraded, $"{Words(inputs.State)}");
            case ServiceState.Paused:
                return (ServiceHealth.Degraded, "paused");
        }

        var failing = inputs.Probes.FirstOrDefault(p => p.Verdict == ProbeVerdict.Failing);
        if (failing is not null)
        {
            return (ServiceHealth.Unhealthy, $"probe {failing.Name} failing: {failing.LastDetail}");
        }

        var unproven = inputs.Probes.FirstOrDefault(p => p.Verdict == ProbeVerdict.Unknown);
        if (unproven is not null)
        {
            return (ServiceHealth.Degraded, $"running; probe {unproven.Name} not passed yet: {unproven.LastDetail}");
        }

        return (ServiceHealth.Healthy, inputs.Probes.Count == 0 ? "running" : "running; all probes pass");
    }

    private static string Words(ServiceState state) => state switch
    {
        ServiceState.StartPending => "starting",
        ServiceState.StopPending => "stopping",
        ServiceState.PausePending => "pausing",
        ServiceState.ContinuePending => "continuing",
        _ => state.ToString(),
    };
}

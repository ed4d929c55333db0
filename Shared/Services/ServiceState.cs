namespace Vigil.Shared.Services;

/// <summary>What the operating system says about a managed service (the SCM's states).</summary>
public enum ServiceState
{
    Unknown,
    Stopped,
    StartPending,
    Running,
    StopPending,
    PausePending,
    Paused,
    ContinuePending,
}

/// <summary>The agent's verdict on a managed service, combining its state and its probes.</summary>
public enum ServiceHealth
{
    /// <summary>The agent cannot tell (the service does not exist, a query failed, ...).</summary>
    Unknown,

    /// <summary>Running and every probe passes.</summary>
    Healthy,

    /// <summary>Running, but not proven healthy: paused, in a pending state, or probes not yet passed.</summary>
    Degraded,

    /// <summary>Running, but a probe fails.</summary>
    Unhealthy,

    /// <summary>Not running (stopped on purpose, or waiting to be restarted).</summary>
    Stopped,

    /// <summary>The restart budget is spent; the agent leaves it alone until an operator acts.</summary>
    Failed,
}

using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Agents;

/// <summary>How agents connect. Bound from the <c>Agents</c> section.</summary>
public sealed class AgentsOptions
{
    public const string Section = "Agents";

    /// <summary>
    /// A development option: a standing enrollment token (unlimited uses, no expiry, no approval) that
    /// agents enrol with like any other. Empty (the default) means agents enrol only with tokens an
    /// admin creates.
    /// </summary>
    public string EnrollmentToken { get; set; } = "";

    /// <summary>Largest hub message accepted from an agent, in bytes; a larger one closes the connection.</summary>
    public int MaximumMessageBytes { get; set; } = AgentHubEndpoint.DefaultMaximumMessageBytes;

    /// <summary>
    /// How long an agent's call that needs the database (events, command outcomes, the desired
    /// configuration, the credential check) waits for it before the agent is told to send again.
    /// Shorter than the agent's own call timeout (twice its heartbeat interval, at least 5 s).
    /// </summary>
    public TimeSpan DatabaseCallTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Agents' calls waiting for the database at once, all agents together; more are told to send again at once.</summary>
    public int DatabaseCallsInFlight { get; set; } = 64;
}

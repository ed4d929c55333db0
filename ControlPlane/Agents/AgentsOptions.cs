using Vigil.Shared.Hubs;

namespace Vigil.ControlPlane.Agents;

/// <summary>How agents connect. Bound from the <c>Agents</c> section.</summary>
public sealed class AgentsOptions
{
    public const string Section = "Agents";

    /// <summary>
    /// The shared secret every agent presents as a bearer token. Empty means no agent is accepted.
    /// Per-agent credentials replace it once agents enrol.
    /// </summary>
    public string EnrollmentToken { get; set; } = "";

    /// <summary>Largest hub message accepted from an agent, in bytes; a larger one closes the connection.</summary>
    public int MaximumMessageBytes { get; set; } = AgentHubEndpoint.DefaultMaximumMessageBytes;
}

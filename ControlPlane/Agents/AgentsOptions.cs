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
}

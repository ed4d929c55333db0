namespace Vigil.ControlPlane.Security;

/// <summary>
/// Authorization policies by the least role that satisfies them: <see cref="Viewer"/> admits every
/// role, <see cref="Operator"/> admits operators and admins, <see cref="Admin"/> only admins.
/// </summary>
public static class VigilPolicies
{
    public const string Viewer = "Viewer";
    public const string Operator = "Operator";
    public const string Admin = "Admin";

    /// <summary>Agents on the hub, authenticated by their own credential.</summary>
    public const string Agent = "Agent";
}

namespace Vigil.ControlPlane.Security;

/// <summary>The three roles of users and API keys. Each includes what the one below it may do.</summary>
public static class VigilRoles
{
    /// <summary>Everything, including users, API keys, enrollment tokens and agents.</summary>
    public const string Admin = "Admin";

    /// <summary>Reads everything; sends commands, runs switchovers and drills, edits groups.</summary>
    public const string Operator = "Operator";

    /// <summary>Reads everything; changes nothing.</summary>
    public const string Viewer = "Viewer";

    public static IReadOnlyList<string> All { get; } = [Admin, Operator, Viewer];

    /// <summary>The role's exact name when <paramref name="name"/> names one (any case), otherwise null.</summary>
    public static string? Parse(string? name) =>
        All.FirstOrDefault(role => string.Equals(role, name, StringComparison.OrdinalIgnoreCase));
}

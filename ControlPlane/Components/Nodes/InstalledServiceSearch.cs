using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>Which installed Windows services match what an operator typed in the service name field.</summary>
public static class InstalledServiceSearch
{
    /// <summary>
    /// Those whose name or display name contains <paramref name="text"/> (any case): names that begin
    /// with it first, then by name. Empty text: all of them, by name.
    /// </summary>
    public static IEnumerable<InstalledService> Matching(IReadOnlyList<InstalledService> installed, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return installed.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase);
        }

        var typed = text.Trim();
        return installed
            .Where(s => s.Name.Contains(typed, StringComparison.OrdinalIgnoreCase) || s.DisplayName.Contains(typed, StringComparison.OrdinalIgnoreCase))
            .OrderBy(s => s.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase);
    }
}

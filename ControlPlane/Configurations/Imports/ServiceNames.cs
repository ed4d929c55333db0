using System.Text.RegularExpressions;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>Another tool's service name made a valid Vigil name: letters, digits, '.', '_' and '-', at most 64 characters.</summary>
public static partial class ServiceNames
{
    public static string From(string name)
    {
        var valid = InvalidNameCharacters().Replace(name.Trim(), "-");
        return valid.Length == 0 ? "imported" : valid[..Math.Min(valid.Length, Vigil.Shared.Validation.MessageLimits.ServiceNameMaxLength)];
    }

    [GeneratedRegex(@"[^A-Za-z0-9._-]+")]
    private static partial Regex InvalidNameCharacters();
}

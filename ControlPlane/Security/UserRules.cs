using Microsoft.AspNetCore.Identity;

namespace Vigil.ControlPlane.Security;

/// <summary>How user changes are checked: the role named, and Identity's results turned into problems by field.</summary>
internal static class UserRules
{
    public static string? RoleOf(string? text, Dictionary<string, string[]> errors)
    {
        var role = VigilRoles.Parse(text);
        if (role is null)
        {
            errors["role"] = [$"must be one of {string.Join(", ", VigilRoles.All)}"];
        }

        return role;
    }

    /// <summary>Identity's messages, each under the field it is about.</summary>
    public static Dictionary<string, string[]> ErrorsOf(IdentityResult result) =>
        result.Errors
            .GroupBy(e => FieldOf(e.Code))
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    public static string FieldOf(string code) => code switch
    {
        _ when code.StartsWith("Password", StringComparison.Ordinal) => "password",
        _ when code.Contains("Email", StringComparison.Ordinal) => "email",
        _ when code.Contains("UserName", StringComparison.Ordinal) => "userName",
        _ when code.Contains("Role", StringComparison.Ordinal) => "role",
        _ => "user",
    };

    /// <summary>A failure where none is expected (a concurrent change, a store error) is an error, not a refusal.</summary>
    public static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}

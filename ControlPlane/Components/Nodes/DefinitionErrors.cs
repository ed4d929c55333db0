using System.Globalization;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>
/// The validator's errors of one service, by field path within it (<c>probes[0].url</c>), as its form
/// shows them: on the field, with the errors of the field's parts (<c>arguments[2]</c> under
/// <c>arguments</c>).
/// </summary>
public static class DefinitionErrors
{
    /// <summary>The errors of the service at <paramref name="index"/> of a request's <c>services</c>, by path within it; the others' apart.</summary>
    public static (Dictionary<string, string[]> Own, List<string> Others) Split(IReadOnlyDictionary<string, string[]> errors, int index)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"services[{index}].");
        var own = errors.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(e => e.Key[prefix.Length..], e => e.Value);
        var others = errors.Where(e => !e.Key.StartsWith(prefix, StringComparison.Ordinal)).SelectMany(e => e.Value.Select(message => $"{e.Key} {message}")).ToList();
        return (own, others);
    }

    /// <summary>The messages of <paramref name="field"/> and its parts in one line; null when there are none.</summary>
    public static string? Of(IReadOnlyDictionary<string, string[]> errors, string field, params string[] except)
    {
        var messages = errors
            .Where(e => Within(e.Key, field) && !except.Any(shown => Within(e.Key, $"{field}.{shown}")))
            .SelectMany(e => e.Key.Length == field.Length ? e.Value : e.Value.Select(message => $"{e.Key[field.Length..].TrimStart('.')} {message}"))
            .ToList();
        return messages.Count > 0 ? string.Join("; ", messages) : null;
    }

    private static bool Within(string key, string field) =>
        key.Equals(field, StringComparison.OrdinalIgnoreCase)
        || (key.Length > field.Length && key.StartsWith(field, StringComparison.OrdinalIgnoreCase) && key[field.Length] is '[' or '.');
}

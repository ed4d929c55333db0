namespace Vigil.ControlPlane.Api;

/// <summary>Checks of request values that add a problem naming the field to a validation dictionary.</summary>
public static class BodyChecks
{
    public static void Range(IDictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } set && (set < min || set > max))
        {
            errors[field] = [$"must be from {min} to {max}"];
        }
    }

    /// <summary>One of the enum's names exactly (any case): no numbers, no comma-joined flags.</summary>
    public static bool TryParseName<TEnum>(string text, out TEnum value)
        where TEnum : struct, Enum
    {
        value = default;
        return !text.Contains(',', StringComparison.Ordinal) && !int.TryParse(text, out _)
            && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}

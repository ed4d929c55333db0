using System.Globalization;

namespace Vigil.ControlPlane.Api;

/// <summary>
/// Parses query-string values by hand, so that a bad one becomes a validation problem naming the
/// parameter (the framework's binding would answer a bare 400).
/// </summary>
public sealed class QueryParameters
{
    public const int MaxPageSize = 500;
    private readonly Dictionary<string, string[]> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    public IDictionary<string, string[]> Errors => _errors;

    public int Page(string? text) => WholeNumber(text, "page", 1, 1, int.MaxValue / MaxPageSize);

    public int PageSize(string? text, int fallback = 100) => WholeNumber(text, "pageSize", fallback, 1, MaxPageSize);

    public int WholeNumber(string? text, string field, int fallback, int min, int max)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        _errors[field] = [$"must be a whole number from {min} to {max}"];
        return fallback;
    }

    public TEnum? OneOf<TEnum>(string? text, string field)
        where TEnum : struct, Enum
    {
        if (text is null)
        {
            return null;
        }

        if (BodyChecks.TryParseName<TEnum>(text, out var value))
        {
            return value;
        }

        _errors[field] = [$"must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}"];
        return null;
    }

    public Guid? Identifier(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        if (System.Guid.TryParse(text, out var value))
        {
            return value;
        }

        _errors[field] = ["must be a GUID"];
        return null;
    }

    public DateTimeOffset? Time(string? text, string field)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
        {
            return value;
        }

        _errors[field] = ["must be a date and time such as 2026-11-23T08:00:00Z"];
        return null;
    }
}

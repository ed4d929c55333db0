using System.Globalization;
using System.Xml;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>A valid request for a new enrollment token.</summary>
public sealed record EnrollmentTokenSpec(string Name, DateTimeOffset ExpiresAt, int MaxUses, bool RequiresApproval);

/// <summary>Checks a request for an enrollment token; every error names its field.</summary>
public static class EnrollmentTokenRules
{
    public const int MaxUsesLimit = 100_000;
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(1);
    public static readonly TimeSpan ShortestLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(366);

    public static EnrollmentTokenSpec? Check(EnrollmentTokenRequest request, DateTimeOffset now, IDictionary<string, string[]> errors)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["is required"];
        }
        else if (name.Length > SecurityLimits.NameMaxLength || name.Any(char.IsControl))
        {
            errors["name"] = [$"must be at most {SecurityLimits.NameMaxLength} characters, without control characters"];
        }

        DateTimeOffset expiresAt = now + DefaultLifetime;
        if (request.ExpiresIn is not null && request.ExpiresAt is not null)
        {
            errors["expiresIn"] = ["give either expiresIn or expiresAt, not both"];
        }
        else if (request.ExpiresIn is { } text)
        {
            if (TryParseLifetime(text, out var lifetime) && lifetime >= ShortestLifetime && lifetime <= LongestLifetime)
            {
                expiresAt = now + lifetime;
            }
            else
            {
                errors["expiresIn"] = ["must be a duration from 1 minute to 366 days, such as 7.00:00:00 or P7D"];
            }
        }
        else if (request.ExpiresAt is { } end)
        {
            if (end - now < ShortestLifetime || end - now > LongestLifetime)
            {
                errors["expiresAt"] = ["must be from 1 minute to 366 days from now"];
            }
            else
            {
                expiresAt = end;
            }
        }

        var maxUses = request.MaxUses ?? 1;
        if (maxUses is < 1 or > MaxUsesLimit)
        {
            errors["maxUses"] = [$"must be from 1 to {MaxUsesLimit}"];
        }

        return errors.Count == 0 ? new EnrollmentTokenSpec(name!, expiresAt, maxUses, request.RequiresApproval ?? false) : null;
    }

    private static bool TryParseLifetime(string text, out TimeSpan lifetime)
    {
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime))
        {
            return true;
        }

        try
        {
            lifetime = XmlConvert.ToTimeSpan(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

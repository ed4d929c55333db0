using System.ComponentModel;
using Vigil.ControlPlane.Data.Alerts;

namespace Vigil.ControlPlane.Alerts;

/// <summary>A silence as an operator creates it; who creates it comes from the caller.</summary>
public sealed record SilenceRequest(
    [property: Description("Every matcher must match an alert for the silence to keep it quiet; at least one.")] IReadOnlyList<SilenceMatcherRequest>? Matchers,
    [property: Description("When the silence begins; now when absent.")] DateTimeOffset? StartsAt,
    [property: Description("When the silence ends: in the future, at most 90 days from now.")] DateTimeOffset? ExpiresAt,
    [property: Description("Why the alerts are silenced, for whoever reads it later.")] string? Comment);

/// <summary>One matcher of a silence request.</summary>
public sealed record SilenceMatcherRequest(
    [property: Description("Rule (its id), Condition, Node (its name), NodeLabel (key=value), Service or Group (its name).")] string? Field,
    [property: Description("The value compared: names ignoring case, rule ids and labels exactly.")] string? Value);

/// <summary>Checks a silence request; every error names its field as the API reports it.</summary>
public static class SilenceRules
{
    public static readonly TimeSpan LongestSilence = TimeSpan.FromDays(90);
    public const int MatchersMax = 16;

    /// <summary>The silence the request describes, or null with <paramref name="errors"/> filled.</summary>
    public static Silence? Check(Guid id, SilenceRequest request, string createdBy, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var matchers = CheckMatchers(request.Matchers ?? [], errors);
        var startsAt = request.StartsAt ?? now;
        if (request.ExpiresAt is not { } expiresAt)
        {
            errors["expiresAt"] = ["is required: when the silence ends"];
        }
        else if (expiresAt <= now || expiresAt <= startsAt)
        {
            errors["expiresAt"] = ["must be in the future and after startsAt"];
        }
        else if (expiresAt - now > LongestSilence)
        {
            errors["expiresAt"] = [$"must be at most {LongestSilence.TotalDays:0} days from now"];
        }

        var comment = request.Comment?.Trim();
        if (string.IsNullOrEmpty(comment) || comment.Length > AlertLimits.TextMaxLength)
        {
            errors["comment"] = [$"is required: why the alerts are silenced, at most {AlertLimits.TextMaxLength} characters"];
        }

        return errors.Count > 0 ? null : new Silence
        {
            Id = id,
            Matchers = matchers,
            StartsAt = startsAt,
            ExpiresAt = request.ExpiresAt!.Value,
            CreatedBy = createdBy,
            Reason = comment!,
        };
    }

    private static List<SilenceMatcher> CheckMatchers(IReadOnlyList<SilenceMatcherRequest> requested, Dictionary<string, string[]> errors)
    {
        if (requested.Count is 0 or > MatchersMax)
        {
            errors["matchers"] = [$"must hold 1 to {MatchersMax} matchers: a silence without one would match nothing"];
        }

        var matchers = new List<SilenceMatcher>();
        for (var i = 0; i < requested.Count; i++)
        {
            var (field, value) = (requested[i].Field, requested[i].Value?.Trim());
            if (!Enum.TryParse<SilenceField>(field, ignoreCase: true, out var known) || !Enum.IsDefined(known) || int.TryParse(field, out _))
            {
                errors[$"matchers[{i}].field"] = [$"'{field}' is not a field: one of {string.Join(", ", Enum.GetNames<SilenceField>())}"];
                continue;
            }

            if (ValueProblem(known, value) is { } problem)
            {
                errors[$"matchers[{i}].value"] = [problem];
                continue;
            }

            matchers.Add(new SilenceMatcher(known, value!));
        }

        return matchers;
    }

    private static string? ValueProblem(SilenceField field, string? value) => field switch
    {
        _ when string.IsNullOrEmpty(value) || value.Length > AlertLimits.NameMaxLength => $"is required, at most {AlertLimits.NameMaxLength} characters",
        SilenceField.Rule when !Guid.TryParse(value, out _) => "must be a rule's id (a GUID)",
        SilenceField.Condition when !Enum.TryParse<AlertCondition>(value, ignoreCase: true, out var condition) || !Enum.IsDefined(condition) || int.TryParse(value, out _) =>
            $"must be one of {string.Join(", ", Enum.GetNames<AlertCondition>())}",
        SilenceField.NodeLabel when value.IndexOf('=', StringComparison.Ordinal) <= 0 => "must be key=value",
        _ => null,
    };
}

using System.Globalization;
using System.Text;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// What every channel says about one notification: the rule, severity, state, where, since when,
/// what happened and what Vigil did, and the link to the alert in the dashboard. Each sender lays
/// these out in its receiver's format.
/// </summary>
public sealed record AlertMessage
{
    public required Guid AlertId { get; init; }

    public required NotificationKind Notification { get; init; }

    public required string RuleName { get; init; }

    public required AlertSeverity Severity { get; init; }

    /// <summary>"firing", "acknowledged" or "resolved".</summary>
    public required string State { get; init; }

    public required AlertTarget Target { get; init; }

    public required string Summary { get; init; }

    public string? Action { get; init; }

    public string? Resolution { get; init; }

    public required DateTimeOffset Since { get; init; }

    public required DateTimeOffset FiredAt { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The alert's page in the dashboard; null when <c>Alerts:DashboardUrl</c> is not set.</summary>
    public Uri? Link { get; init; }

    public bool IsTest { get; init; }

    /// <summary>"[FIRING] Critical: services that gave up — service api on node web-1".</summary>
    public string Title =>
        $"{(IsTest ? "[TEST] " : "")}[{State.ToUpperInvariant()}] {Severity}: {RuleName} — {Target.Describe()}";

    public static AlertMessage From(Alert alert, NotificationKind notification, string? dashboardUrl) => new()
    {
        AlertId = alert.Id,
        Notification = notification,
        RuleName = alert.RuleName,
        Severity = alert.Severity,
        State = notification == NotificationKind.Resolved || alert.Status == AlertStatus.Resolved ? "resolved" : alert.Status.ToString().ToLowerInvariant(),
        Target = alert.Target,
        Summary = alert.Summary,
        Action = alert.Action,
        Resolution = alert.Resolution,
        Since = alert.Since,
        FiredAt = alert.FiredAt,
        ResolvedAt = alert.ResolvedAt,
        Link = LinkTo(alert.Id, dashboardUrl),
    };

    /// <summary>A message that says it is a test, for the "send a test message" action.</summary>
    public static AlertMessage Test(string channelName, DateTimeOffset now, string? dashboardUrl) => new()
    {
        AlertId = Guid.Empty,
        Notification = NotificationKind.Fired,
        RuleName = "test message",
        Severity = AlertSeverity.Info,
        State = "firing",
        Target = new AlertTarget { Key = "test" },
        Summary = $"A test message from Vigil to the channel {channelName}: if you read this, alerts reach you here.",
        Since = now,
        FiredAt = now,
        Link = dashboardUrl is { Length: > 0 } url ? new Uri(url) : null,
        IsTest = true,
    };

    /// <summary>The facts as label and value, in the order every format shows them.</summary>
    public IReadOnlyList<(string Label, string Value)> Facts()
    {
        var facts = new List<(string, string)>
        {
            ("Rule", RuleName),
            ("Severity", Severity.ToString()),
            ("State", State),
        };
        AddIf(facts, "Node", Target.NodeName);
        AddIf(facts, "Service", Target.Service);
        AddIf(facts, "Group", Target.Group);
        AddIf(facts, "Volume", Target.Volume);
        facts.Add(("Since", Time(Since)));
        facts.Add(("Fired", Time(FiredAt)));
        if (ResolvedAt is { } resolved)
        {
            facts.Add(("Resolved", Time(resolved)));
        }

        AddIf(facts, "What Vigil did", Action);
        AddIf(facts, "Resolution", Resolution);
        return facts;
    }

    /// <summary>Plain text: the summary, the facts one per line, the link.</summary>
    public string PlainText()
    {
        var text = new StringBuilder().AppendLine(Summary).AppendLine();
        foreach (var (label, value) in Facts())
        {
            text.Append(label).Append(": ").AppendLine(value);
        }

        if (Link is not null)
        {
            text.AppendLine().Append("Open in Vigil: ").AppendLine(Link.ToString());
        }

        return text.ToString();
    }

    /// <summary>Markdown as DingTalk and WeCom render it: a heading, the summary, the facts in bold labels, the link.</summary>
    public string Markdown()
    {
        var text = new StringBuilder().Append("### ").AppendLine(Title).AppendLine().AppendLine(Summary).AppendLine();
        foreach (var (label, value) in Facts())
        {
            text.Append("**").Append(label).Append("**: ").AppendLine(value).AppendLine();
        }

        if (Link is not null)
        {
            text.Append("[Open in Vigil](").Append(Link).AppendLine(")");
        }

        return text.ToString();
    }

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static Uri? LinkTo(Guid alertId, string? dashboardUrl) =>
        dashboardUrl is { Length: > 0 } url ? new Uri(new Uri(url.TrimEnd('/') + "/"), $"alerts/{alertId}") : null;

    private static void AddIf(List<(string, string)> facts, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            facts.Add((label, value));
        }
    }
}

using Vigil.ControlPlane.Alerts.Delivery;

namespace Vigil.ControlPlane.Alerts;

/// <summary>The <c>Alerts</c> section of the control plane's configuration.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>How often held conditions, repeats, escalations, quiet periods and silences are looked at.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a node's metric readings are handed to threshold rules (at most).</summary>
    public TimeSpan MetricInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often rules and silences are read again from the database (changes made here apply at once).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The dashboard's public address, for the links in messages (e.g. https://vigil.example.com).</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>
    /// Whether a channel's URL may point at the control plane itself (where it listens, or <see cref="DashboardUrl"/>);
    /// refused by default, like link-local addresses.
    /// </summary>
    public bool AllowChannelsToControlPlane { get; set; }

    /// <summary>How messages are sent to channels and retried (<c>Alerts:Delivery</c>).</summary>
    public AlertDeliveryOptions Delivery { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (TickInterval <= TimeSpan.Zero || TickInterval > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:TickInterval must be between 00:00:00.001 and 00:01:00.";
        }

        if (MetricInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:MetricInterval must be at least 00:00:01.";
        }

        if (RefreshInterval < TimeSpan.FromSeconds(1))
        {
            yield return $"{Section}:RefreshInterval must be at least 00:00:01.";
        }

        if (DashboardUrl is { Length: > 0 } url
            && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return $"{Section}:DashboardUrl must be an absolute http or https address.";
        }

        foreach (var problem in Delivery.Problems($"{Section}:Delivery"))
        {
            yield return problem;
        }
    }
}

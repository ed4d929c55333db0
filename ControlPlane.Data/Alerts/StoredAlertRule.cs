namespace Vigil.ControlPlane.Data.Alerts;

/// <summary>An alert rule; what it watches and whom it tells is one JSON document the control plane reads.</summary>
public sealed class StoredAlertRule
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public bool Enabled { get; set; }

    public required string Definition { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A place alerts are sent to. Settings are plain JSON; the secret (password, signing key) is protected.</summary>
public sealed class StoredAlertChannel
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>email, webhook, slack, teams, dingtalk, wecom.</summary>
    public required string Kind { get; set; }

    public required string Settings { get; set; }

    /// <summary>The channel's secrets, protected with ASP.NET Core Data Protection; null when it has none.</summary>
    public string? ProtectedSecrets { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>Keeps channels quiet about matching alerts until it expires.</summary>
public sealed class StoredSilence
{
    public Guid Id { get; set; }

    /// <summary>The matchers, as JSON.</summary>
    public required string Matchers { get; set; }

    public DateTimeOffset StartsAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public required string CreatedBy { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

namespace Vigil.ControlPlane.Data.Audit;

/// <summary>One audited action: who, what, on which target, from where, when, and how it ended.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public required string Action { get; set; }

    public string? Target { get; set; }

    public string? SourceAddress { get; set; }

    /// <summary>Succeeded, Failed or Denied.</summary>
    public required string Outcome { get; set; }

    public string? Detail { get; set; }
}

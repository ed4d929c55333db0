using System.Security.Claims;

namespace Vigil.ControlPlane.Audit;

/// <summary>Records who did what, to which target, from where, and how it ended.</summary>
public interface IAuditTrail
{
    /// <summary>
    /// Records one action. Never throws for a database outage: the entry is kept in memory and
    /// written when the database is back.
    /// </summary>
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);
}

/// <param name="Actor">Who: a user name, <c>key:NAME</c> for an API key, <c>agent:NODE</c>, <c>anonymous</c>, <c>console</c> or <c>system</c>.</param>
/// <param name="Action">What, as <c>area.verb</c>: <c>command.create</c>, <c>group.switchover</c>, <c>user.create</c>, <c>login</c>...</param>
/// <param name="Target">The object acted on, e.g. <c>node/ID/service/NAME</c> or <c>group/ID</c>; null when none.</param>
/// <param name="SourceAddress">The remote IP address, when known.</param>
/// <param name="Outcome">Succeeded, Failed or Denied.</param>
/// <param name="Detail">A short explanation (a failure's reason, the command id, the changed fields); never a secret.</param>
public sealed record AuditRecord(
    string Actor,
    string Action,
    string? Target,
    string? SourceAddress,
    AuditOutcome Outcome,
    string? Detail = null)
{
    public const string Anonymous = "anonymous";

    /// <summary>
    /// The caller presented no valid credential (a failed sign-in, a wrong API key or enrollment token):
    /// anyone can cause such a refusal, so they are counted per source and minute rather than recorded one by one.
    /// </summary>
    public bool Unauthenticated { get; init; }

    /// <summary>The reset of an admin's password from the control plane's command line.</summary>
    public const string Console = "console";

    /// <summary>The control plane itself.</summary>
    public const string System = "system";

    /// <summary>Actors the audit log writes by itself: no user may take these names.</summary>
    public static readonly IReadOnlySet<string> ReservedActors = new HashSet<string>([Anonymous, Console, System], StringComparer.OrdinalIgnoreCase);

    /// <summary>The actor's name as audited, from an authenticated principal.</summary>
    public static string ActorOf(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : Anonymous;
}

public enum AuditOutcome
{
    Succeeded,
    Failed,
    Denied,
}

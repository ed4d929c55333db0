namespace Vigil.ControlPlane.Commands;

/// <summary>Delivery settings of commands, from the <c>Commands</c> section.</summary>
public sealed class CommandOptions
{
    public const string Section = "Commands";

    /// <summary>An operator's command not delivered within this time expires.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An operator's command not answered within this time after its delivery has timed out.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Activate and Deactivate: a newer epoch usually replaces them sooner.</summary>
    public TimeSpan RoleTimeToLive { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RoleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A delivered command without an answer is delivered again after this time.</summary>
    public TimeSpan ResendAfter { get; set; } = TimeSpan.FromSeconds(10);
}

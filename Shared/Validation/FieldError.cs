namespace Vigil.Shared.Validation;

/// <summary>One field that broke a rule, named by its path in the message (e.g. <c>host.cpuPercent</c>).</summary>
public sealed record FieldError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}

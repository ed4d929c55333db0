namespace Vigil.Shared.Messages;

/// <summary>Tells an agent that a newer desired configuration exists for its node.</summary>
public sealed record ConfigChangedNotice
{
    public required long ConfigVersion { get; init; }
}

using Vigil.Shared.Services;

namespace Vigil.Agent.Services;

/// <summary>A service definition with where it came from, so every error can name the exact key.</summary>
public sealed record SourcedDefinition(ManagedServiceDefinition Definition, string Source)
{
    /// <summary>The configuration key of a field of this definition, e.g. <c>Agent:Services:2:Executable</c>.</summary>
    public string KeyOf(string field) => $"{Source}:{field}";
}

/// <summary>A definition that cannot run, and why.</summary>
public sealed record RejectedDefinition(string? Service, string Source, string Reason)
{
    /// <summary>The reason names the keys already; the service's name is added when known.</summary>
    public override string ToString() => Service is null ? Reason : $"service '{Service}': {Reason}";
}

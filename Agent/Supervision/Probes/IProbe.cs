using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Probes;

/// <summary>The outcome of one probe run, with a short detail an operator can read.</summary>
public readonly record struct ProbeResult(bool Success, string Detail)
{
    public static ProbeResult Pass(string detail) => new(true, detail);

    public static ProbeResult Fail(string detail) => new(false, detail);
}

/// <summary>Runs one check of a service. Never throws: any failure is a failed result with its reason.</summary>
public interface IProbe
{
    Task<ProbeResult> RunAsync(CancellationToken cancellationToken);
}

public static class ProbeFactory
{
    public static IProbe Create(ProbeDefinition definition, HttpClient http) => definition.Kind.ToLowerInvariant() switch
    {
        ProbeKinds.Http => new HttpProbe(definition, http),
        ProbeKinds.Tcp => new TcpProbe(definition),
        ProbeKinds.Command => new CommandProbe(definition),
        _ => throw new ArgumentException($"Unknown probe kind '{definition.Kind}'.", nameof(definition)),
    };
}

using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Vigil.Agent.Hosting;

/// <summary>
/// <c>Logging:Format</c>: <c>text</c> (the default), or <c>json</c>, Serilog's compact JSON (one object
/// per line) for log shippers. The control plane reads the same key.
/// </summary>
public static class AgentLogFormat
{
    public const string Key = "Logging:Format";

    /// <summary>The JSON formatter, or null for text.</summary>
    public static ITextFormatter? JsonFormatterFor(IConfiguration configuration) => configuration[Key]?.Trim().ToLowerInvariant() switch
    {
        null or "" or "text" => null,
        "json" => new CompactJsonFormatter(),
        var other => throw new InvalidOperationException($"{Key} must be 'text' or 'json' (was '{other}')."),
    };
}

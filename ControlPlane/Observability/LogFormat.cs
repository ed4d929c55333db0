using Serilog.Formatting;
using Serilog.Formatting.Compact;

namespace Vigil.ControlPlane.Observability;

/// <summary>
/// <c>Logging:Format</c>: <c>text</c> (the default) for people, or <c>json</c>, Serilog's compact JSON
/// (one object per line: <c>@t</c>, <c>@mt</c>, <c>@l</c> unless Information, and the properties) for log shippers.
/// </summary>
public static class LogFormat
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

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.ControlPlane.Alerts;

/// <summary>How alert documents (rules, alerts, matchers) are written to the database and the API: camelCase, enums by name.</summary>
public static class AlertJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"An empty {typeof(T).Name} document was stored.");
}

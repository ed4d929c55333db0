using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Vigil.Shared.Services;

namespace Vigil.Agent.Hosting;

/// <summary>
/// Reads a configuration section into an immutable record through its source-generated JSON metadata:
/// each key is matched to a property (ignoring case), each value converted to the property's type,
/// then the record is built by the serializer, which sets <c>init</c> properties and runs their
/// accessors. The configuration binder cannot do this without reflection (its generated code skips
/// <c>init</c> properties), and the agent uses no reflection, so that it can be compiled ahead of time.
/// A value that does not convert fails with the binder's message, naming the key.
/// </summary>
internal static class ConfigurationJson
{
    /// <summary>
    /// The records read from configuration, new: a key left out keeps the record's own default. (The
    /// serializer's generated code would give it the type's zero value: it builds records of
    /// <c>init</c> properties in one object initializer.)
    /// </summary>
    private static readonly Dictionary<Type, Func<object>> Defaults = new()
    {
        [typeof(ManagedServiceDefinition)] = () => new ManagedServiceDefinition(),
        [typeof(ProbeDefinition)] = () => new ProbeDefinition(),
        [typeof(RestartSettings)] = () => new RestartSettings(),
        [typeof(ServiceLogSettings)] = () => new ServiceLogSettings(),
        [typeof(RoleHooks)] = () => new RoleHooks(),
        [typeof(LifecycleHook)] = () => new LifecycleHook(),
    };

    public static T? Read<T>(IConfigurationSection section, JsonTypeInfo<T> type) =>
        WithDefaults(Node(section, type), type) is { } node ? node.Deserialize(type) : default;

    /// <summary>
    /// Reads a JSON document the agent stored (or an operator wrote) into <paramref name="type"/>, with
    /// what it leaves out taken from the records' own defaults, as for configuration: the generated
    /// serializer alone would give a missing <c>StopTimeout</c> zero, and the service would be refused.
    /// </summary>
    public static T? Parse<T>(string json, JsonTypeInfo<T> type) =>
        WithDefaults(JsonNode.Parse(json), type) is { } node ? node.Deserialize(type) : default;

    private static JsonNode? WithDefaults(JsonNode? node, JsonTypeInfo type)
    {
        var options = type.Options;
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object when node is JsonObject written:
                var record = Defaults.TryGetValue(type.Type, out var create)
                    ? JsonSerializer.SerializeToNode(create(), type)!.AsObject()
                    : [];
                foreach (var (key, value) in written)
                {
                    var property = type.Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase));
                    record[property?.Name ?? key] = property is null ? value?.DeepClone() : WithDefaults(value, options.GetTypeInfo(property.PropertyType));
                }

                return record;
            case JsonTypeInfoKind.Enumerable when node is JsonArray items:
                var element = options.GetTypeInfo(type.ElementType!);
                return new JsonArray([.. items.Select(item => WithDefaults(item, element))]);
            case JsonTypeInfoKind.Dictionary when node is JsonObject entries:
                var values = options.GetTypeInfo(type.ElementType!);
                return new JsonObject(entries.Select(entry => KeyValuePair.Create(entry.Key, WithDefaults(entry.Value, values))));
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>As <see cref="Read{T}"/>, for a type known only at run time.</summary>
    internal static object? Read(IConfigurationSection section, JsonTypeInfo type) =>
        WithDefaults(Node(section, type), type) is { } node ? node.Deserialize(type) : null;

    /// <summary>The section as JSON of <paramref name="type"/>'s shape, with only what it sets (the defaults come after).</summary>
    private static JsonNode? Node(IConfigurationSection section, JsonTypeInfo type)
    {
        var options = type.Options;
        switch (type.Kind)
        {
            case JsonTypeInfoKind.Object:
                var record = new JsonObject();
                foreach (var child in section.GetChildren())
                {
                    var property = type.Properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
                    if (property?.Set is not null && Node(child, options.GetTypeInfo(property.PropertyType)) is { } value)
                    {
                        record[property.Name] = value;
                    }
                }

                return record;
            case JsonTypeInfoKind.Enumerable:
                var element = options.GetTypeInfo(type.ElementType!);
                var list = new JsonArray();
                foreach (var child in section.GetChildren().OrderBy(c => int.TryParse(c.Key, CultureInfo.InvariantCulture, out var i) ? i : int.MaxValue))
                {
                    list.Add(Node(child, element));
                }

                return list;
            case JsonTypeInfoKind.Dictionary:
                var values = options.GetTypeInfo(type.ElementType!);
                var map = new JsonObject();
                foreach (var child in section.GetChildren())
                {
                    map[child.Key] = Node(child, values);
                }

                return map;
            default:
                return section.Value is null ? null : Value(section, Nullable.GetUnderlyingType(type.Type) ?? type.Type);
        }
    }

    private static JsonNode Value(IConfigurationSection setting, Type type)
    {
        var text = setting.Value!;
        var invariant = CultureInfo.InvariantCulture;
        JsonNode? node = type switch
        {
            _ when type == typeof(string) => JsonValue.Create(text),
            _ when type == typeof(bool) => bool.TryParse(text, out var b) ? JsonValue.Create(b) : null,
            _ when type == typeof(int) => int.TryParse(text, NumberStyles.Integer, invariant, out var i) ? JsonValue.Create(i) : null,
            _ when type == typeof(long) => long.TryParse(text, NumberStyles.Integer, invariant, out var l) ? JsonValue.Create(l) : null,
            _ when type == typeof(double) => double.TryParse(text, NumberStyles.Float, invariant, out var d) ? JsonValue.Create(d) : null,
            _ when type == typeof(TimeSpan) => TimeSpan.TryParse(text, invariant, out var t) ? JsonValue.Create(t.ToString("c", invariant)) : null,
            _ => throw new InvalidOperationException($"'{setting.Path}' is of a type the agent does not read from configuration ({type.Name})."),
        };
        return node ?? throw new InvalidOperationException($"Failed to convert configuration value at '{setting.Path}' to type '{type.FullName}'.");
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>One field of a service definition that a change sets, alters or clears, named by its path in the request.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

/// <summary>What a change does to a service definition, field by field, as the REST API would see it.</summary>
public static class DefinitionDiff
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly JsonSerializerOptions Indented = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>The fields that differ; <paramref name="before"/> null for a new service, <paramref name="after"/> null for a removed one.</summary>
    public static IReadOnlyList<FieldChange> Between(ManagedServiceDefinition? before, ManagedServiceDefinition? after)
    {
        var old = Flatten(before);
        var next = Flatten(after);
        return [.. old.Keys.Union(next.Keys)
            .Select(field => new FieldChange(field, old.GetValueOrDefault(field), next.GetValueOrDefault(field)))
            .Where(change => change.Before != change.After)];
    }

    /// <summary>The definition as the request's JSON, indented.</summary>
    public static string JsonOf(IReadOnlyList<ManagedServiceDefinition> services) =>
        JsonSerializer.Serialize(new { services }, Indented);

    private static Dictionary<string, string> Flatten(ManagedServiceDefinition? service)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (service is not null)
        {
            Flatten(JsonSerializer.SerializeToNode(service, Json), "", fields);
        }

        return fields;
    }

    private static void Flatten(JsonNode? node, string path, Dictionary<string, string> fields)
    {
        switch (node)
        {
            case JsonObject json:
                foreach (var (name, value) in json)
                {
                    Flatten(value, path.Length == 0 ? name : $"{path}.{name}", fields);
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Flatten(array[i], $"{path}[{i}]", fields);
                }

                break;
            case null:
                break;
            default:
                fields[path] = node.ToJsonString();
                break;
        }
    }
}

using System.Text.Json;
using Vigil.Agent.Hosting;
using Vigil.Agent.Storage;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Members;

/// <summary>
/// The last accepted definition of every managed service that is a failover-group member, kept on
/// disk: when such a service stops being defined (removed, renamed, rejected at the next start, an
/// unreadable desired configuration), the agent still knows how to reach it, so it can fence it.
/// </summary>
public sealed class MemberDefinitions(string dataDirectory)
{
    private readonly string _path = Path.Combine(dataDirectory, "member-definitions.json");
    private Dictionary<string, ManagedServiceDefinition>? _known;

    public ManagedServiceDefinition? Find(string service) => Known().GetValueOrDefault(service);

    /// <summary>Keeps exactly these definitions (one per member service); writes only when something changed.</summary>
    public void Keep(IEnumerable<ManagedServiceDefinition> members)
    {
        var next = members.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
        var known = Known();
        if (next.Count == known.Count && next.All(d => known.TryGetValue(d.Key, out var old) && Same(old, d.Value)))
        {
            return;
        }

        DurableFile.Write(_path, JsonSerializer.Serialize(next.Values.ToList(), AgentStateJson.Default.ListManagedServiceDefinition));
        _known = next;
    }

    private Dictionary<string, ManagedServiceDefinition> Known()
    {
        if (_known is null)
        {
            try
            {
                var stored = File.Exists(_path) ? ConfigurationJson.Parse(File.ReadAllText(_path), AgentStateJson.Default.ListManagedServiceDefinition) : null;
                _known = (stored ?? []).Where(d => d?.Name is not null).ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);
            }
            catch (Exception exception) when (exception is JsonException or IOException or ArgumentException)
            {
                _known = new(StringComparer.OrdinalIgnoreCase);
            }
        }

        return _known;
    }

    private static bool Same(ManagedServiceDefinition a, ManagedServiceDefinition b) =>
        JsonSerializer.Serialize(a, AgentLineJson.Default.ManagedServiceDefinition) == JsonSerializer.Serialize(b, AgentLineJson.Default.ManagedServiceDefinition);
}

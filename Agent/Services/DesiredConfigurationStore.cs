using System.Text.Json;
using Vigil.Agent.Storage;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Services;

/// <summary>
/// The last desired configuration received from the control plane, kept on disk so the agent runs
/// those services after a restart even while the control plane is unreachable.
/// </summary>
public sealed class DesiredConfigurationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly DesiredConfiguration None = new() { Version = 0, Services = [] };
    private readonly string _path;
    private readonly Lock _gate = new();
    private DesiredConfiguration _current;

    public DesiredConfigurationStore(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, "desired-configuration.json");
        _current = Load();
    }

    /// <summary>Raised after a new version was stored.</summary>
    public event Action? Changed;

    public DesiredConfiguration Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Stores a configuration unless it is the version already held.</summary>
    public bool Store(DesiredConfiguration configuration)
    {
        lock (_gate)
        {
            if (configuration.Version == _current.Version)
            {
                return false;
            }

            DurableFile.Write(_path, JsonSerializer.Serialize(configuration, Json));
            _current = configuration;
        }

        Changed?.Invoke();
        return true;
    }

    private DesiredConfiguration Load()
    {
        try
        {
            return File.Exists(_path) ? JsonSerializer.Deserialize<DesiredConfiguration>(File.ReadAllText(_path), Json) ?? None : None;
        }
        catch (JsonException)
        {
            return None;
        }
    }
}

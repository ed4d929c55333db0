using System.Text.Json;
using Vigil.Agent.Storage;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Services;

/// <summary>
/// The last desired configuration received from the control plane, kept on disk so the agent runs
/// those services after a restart even while the control plane is unreachable. Read back only from
/// an owner-only data folder: a file another user could have planted says what the agent runs.
/// </summary>
public sealed partial class DesiredConfigurationStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly DesiredConfiguration None = new() { Version = 0, Services = [] };
    private readonly string _path;
    private readonly Lock _gate = new();
    private DesiredConfiguration _current;

    public DesiredConfigurationStore(string dataDirectory, IDataFolderAccess access, ILogger<DesiredConfigurationStore> logger)
    {
        _path = Path.Combine(dataDirectory, "desired-configuration.json");
        if (access.MakeOwnerOnly(dataDirectory) is { } why)
        {
            LogNotOwnerOnly(logger, dataDirectory, why, _path);
            _current = None;
        }
        else
        {
            _current = Load();
        }
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

    [LoggerMessage(Level = LogLevel.Error, Message = "The data folder {DataDirectory} is not owner-only ({Reason}): the desired configuration stored in {Path} is not loaded, since another user could have planted it; the agent waits for the control plane to send it again. Make the folder writable by SYSTEM and Administrators only (mode 700 and owned by the agent's user elsewhere)")]
    private static partial void LogNotOwnerOnly(ILogger logger, string dataDirectory, string reason, string path);

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

using System.Text.Json;
using Vigil.Agent.Hosting;
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
    private static readonly DesiredConfiguration None = new() { Version = 0, Services = [] };
    private readonly string _path;
    private readonly Lock _gate = new();
    private DesiredConfiguration _current;

    public DesiredConfigurationStore(string dataDirectory, IDataFolderAccess access, ILogger<DesiredConfigurationStore> logger)
    {
        _path = Path.Combine(dataDirectory, "desired-configuration.json");
        var check = access.MakeOwnerOnly(dataDirectory);
        if (check.StillOpen is { } why)
        {
            LogNotOwnerOnly(logger, dataDirectory, why, _path);
            _current = None;
        }
        else if (check.OpenBefore is { } wasOpen)
        {
            // Owner-only now, but the file may have been planted while it was not: it is kept aside,
            // never loaded, and the control plane's next configuration replaces it.
            _current = None;
            if (File.Exists(_path))
            {
                var untrusted = Path.Combine(dataDirectory, $"desired-configuration.untrusted-{DateTime.UtcNow:yyyyMMddTHHmmssZ}.json");
                File.Move(_path, untrusted, overwrite: true);
                LogSetAsideUntrusted(logger, dataDirectory, wasOpen, untrusted);
            }
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

            DurableFile.Write(_path, JsonSerializer.Serialize(configuration, AgentStateJson.Default.DesiredConfiguration));
            _current = configuration;
        }

        Changed?.Invoke();
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The data folder {DataDirectory} is not owner-only ({Reason}): the desired configuration stored in {Path} is not loaded, since another user could have planted it; the agent waits for the control plane to send it again. Make the folder writable by SYSTEM and Administrators only (mode 700 and owned by the agent's user elsewhere)")]
    private static partial void LogNotOwnerOnly(ILogger logger, string dataDirectory, string reason, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The data folder {DataDirectory} was not owner-only ({Reason}) and is now: the desired configuration found in it could have been planted, so it is not loaded but kept aside as {Untrusted}; the agent waits for the control plane to send it again")]
    private static partial void LogSetAsideUntrusted(ILogger logger, string dataDirectory, string reason, string untrusted);

    private DesiredConfiguration Load()
    {
        try
        {
            return File.Exists(_path) ? ConfigurationJson.Parse(File.ReadAllText(_path), AgentStateJson.Default.DesiredConfiguration) ?? None : None;
        }
        catch (JsonException)
        {
            return None;
        }
    }
}

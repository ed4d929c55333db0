namespace Vigil.Agent.Supervision.Runtime;

/// <summary>Where one service's files live: <c>&lt;data&gt;/services/&lt;name&gt;/</c> for state, and its logs.</summary>
public sealed record ServiceFolders(string State, string Logs)
{
    public string ProcessRecord => Path.Combine(State, "process.json");

    public string StandardOutputLog => Path.Combine(Logs, "stdout.log");

    public string StandardErrorLog => Path.Combine(Logs, "stderr.log");

    /// <summary>Where a lifecycle hook's output goes: <c>prestart.log</c>, <c>poststart.log</c>, <c>poststop.log</c>.</summary>
    public string HookLog(string hook) => Path.Combine(Logs, hook.ToLowerInvariant() + ".log");

    public static ServiceFolders For(string dataDirectory, string serviceName, string? logDirectory)
    {
        var state = Path.Combine(dataDirectory, "services", serviceName);
        return new ServiceFolders(state, logDirectory is null ? state : Path.GetFullPath(logDirectory));
    }
}

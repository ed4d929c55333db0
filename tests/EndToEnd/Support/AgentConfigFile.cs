using System.Text.Json;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>Writes an agent's <c>agent.json</c> with the managed services a test wants.</summary>
public static class AgentConfigFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(string folder, params object[] services) => WriteWithRemoteExecution(folder, remoteExecution: null, services);

    /// <summary>The file with the agent's <c>RemoteExecution</c> setting (which programs the control plane may name) besides the services.</summary>
    public static string WriteWithRemoteExecution(string folder, object? remoteExecution, params object[] services)
    {
        var path = Path.Combine(folder, "agent.json");
        Replace(path, new { Agent = new { Services = services, RemoteExecution = remoteExecution ?? new { } } });
        return path;
    }

    /// <summary>Replaces the file's content in one step, as an editor saving it would.</summary>
    public static void Rewrite(string path, params object[] services) => Replace(path, new { Agent = new { Services = services } });

    private static void Replace(string path, object content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(content, Indented));
        File.Move(temporary, path, overwrite: true);
    }
}

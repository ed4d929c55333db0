using System.Text.Json;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>Writes an agent's <c>agent.json</c> with the managed services a test wants.</summary>
public static class AgentConfigFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(string folder, params object[] services)
    {
        var path = Path.Combine(folder, "agent.json");
        Rewrite(path, services);
        return path;
    }

    /// <summary>Replaces the file's content in one step, as an editor saving it would.</summary>
    public static void Rewrite(string path, params object[] services)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new { Agent = new { Services = services } }, Indented));
        File.Move(temporary, path, overwrite: true);
    }
}

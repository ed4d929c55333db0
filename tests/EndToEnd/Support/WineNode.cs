using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>The files of an agent that runs under Wine from a test's folder: its configuration, its log, and waiting on what it reports.</summary>
public static class WineNode
{
    /// <summary>Writes <c>agent.json</c> in the folder, with the agent's data in <c>data/</c> below it.</summary>
    public static string WriteConfig(string folder, Uri controlPlane, string nodeName, params object[] services)
    {
        var path = Path.Combine(folder, "agent.json");
        var config = new
        {
            Agent = new
            {
                ControlPlaneUrl = controlPlane.ToString(),
                EnrollmentToken = RunningControlPlane.EnrollmentToken,
                NodeName = nodeName,
                DataDirectory = WineHost.WindowsPath(Path.Combine(folder, "data")),
                Services = services,
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    public static string AgentLog(string folder) =>
        Directory.Exists(Path.Combine(folder, "data", "logs")) ? LogFiles.ReadAll(Path.Combine(folder, "data"), "agent-*.log") : "";

    public static Task WaitForHealthAsync(NodesApi api, string nodeName, string service, string health, string folder) => Eventually.HoldsAsync(
        async () => await api.HealthOfAsync(nodeName, service) == health,
        $"{service} is {health}; agent log: {Tail(AgentLog(folder))}",
        TimeSpan.FromSeconds(90));

    public static string Tail(string text) => text.Length <= 3000 ? text : text[^3000..];
}

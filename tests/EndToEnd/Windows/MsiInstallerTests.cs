using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Windows;

/// <summary>
/// The agent's MSI as an operator runs it: <c>msiexec /i vigil-agent.msi /qn CONTROLPLANEURL=…
/// ENROLLMENTTOKEN=…</c> under Wine (its msiexec and service control manager), against a control
/// plane on Linux; upgraded by a newer MSI, uninstalled, and refused with bad properties.
/// </summary>
public sealed class MsiInstallerTests(WineHost wine) : IClassFixture<WineHost>
{
    private const string AgentService = "VigilAgent";
    // ERROR_INSTALL_FAILURE and ERROR_FUNCTION_FAILED, as a Linux exit status (its low byte) under Wine.
    private static readonly int[] Failed = [1603 & 0xFF, 1627 & 0xFF];

    private string InstallFolder => Path.Combine(wine.DriveC, "Program Files", "Vigil", "Agent");

    private string DataFolder => Path.Combine(wine.DriveC, "ProgramData", "Vigil", "Agent");

    [Fact]
    public async Task The_installer_has_the_product_version_a_fixed_upgrade_code_and_an_automatic_VigilAgent_service()
    {
        var msi = await AgentInstaller.BuildAsync(wine.AgentExe);

        var properties = (await AgentInstaller.TableAsync(msi, "Property")).ToDictionary(row => row[0], row => row[1]);
        Assert.Equal(AgentInstaller.ProductVersion, properties["ProductVersion"]);
        Assert.Equal("{6B0E3C52-7F1D-4C8E-9A43-2E5D8B1F7A60}", properties["UpgradeCode"]);
        Assert.Equal("Vigil Agent", properties["ProductName"]);

        // Name, start type 2 (automatic), and the agent's configuration file in the data folder.
        var service = Assert.Single(await AgentInstaller.TableAsync(msi, "ServiceInstall"));
        Assert.Equal([AgentService, "2"], [service[1], service[4]]);
        Assert.Contains("--config \"[DATAFOLDER]agent.json\"", service[10], StringComparison.Ordinal);

        var conditions = await AgentInstaller.TableAsync(msi, "LaunchCondition");
        Assert.Contains(conditions, row => row[1].StartsWith("CONTROLPLANEURL is required", StringComparison.Ordinal));
        Assert.Contains(conditions, row => row[1].StartsWith("CONTROLPLANEURL must be absolute http or https URLs", StringComparison.Ordinal));
        Assert.Contains(conditions, row => row[1].StartsWith("ENROLLMENTTOKEN is required", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_silent_install_runs_the_agent_which_enrols_an_upgrade_keeps_its_identity_and_uninstall_removes_the_service()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var http = controlPlane.CreateHttpClient(TimeSpan.FromSeconds(10));
        var msi = await AgentInstaller.BuildAsync(wine.AgentExe);
        var newer = await AgentInstaller.BuildAsync(wine.AgentExe, NextVersion(AgentInstaller.ProductVersion));
        var url = $"{controlPlane.Url.ToString().TrimEnd('/')},http://127.0.0.1:1";
        try
        {
            await InstallAsync(msi, $"CONTROLPLANEURL={url}", $"ENROLLMENTTOKEN={RunningControlPlane.EnrollmentToken}");
            Assert.Equal("RUNNING", await wine.StateOfAsync(AgentService));
            var nodeId = await WaitForOneAliveNodeAsync(http);
            var configuration = File.ReadAllText(Path.Combine(DataFolder, "agent.json"));
            using (var written = JsonDocument.Parse(configuration))
            {
                var agent = written.RootElement.GetProperty("Agent");
                Assert.Equal(controlPlane.Url.ToString().TrimEnd('/'), agent.GetProperty("ControlPlaneUrl").GetString());
                Assert.Equal(2, agent.GetProperty("ControlPlaneUrls").GetArrayLength());
                Assert.Equal(@"C:\ProgramData\Vigil\Agent", agent.GetProperty("DataDirectory").GetString());
            }

            Assert.Equal(nodeId, Guid.Parse(File.ReadAllText(Path.Combine(DataFolder, "node-id"))));
            var credential = File.ReadAllText(Path.Combine(DataFolder, "credential"));

            // A newer MSI, without properties: the service is stopped and started again from the new
            // product, and the node keeps its id, credential and configuration: no new enrolment.
            await InstallAsync(newer);
            await Eventually.HoldsAsync(async () => await wine.StateOfAsync(AgentService) == "RUNNING", "the upgraded agent service runs", TimeSpan.FromSeconds(60));
            Assert.Equal(nodeId, await WaitForOneAliveNodeAsync(http));
            Assert.Equal(credential, File.ReadAllText(Path.Combine(DataFolder, "credential")));
            Assert.Equal(configuration, File.ReadAllText(Path.Combine(DataFolder, "agent.json")));
            var log = LogFiles.ReadAll(DataFolder, "agent-*.log");
            Assert.Equal(2, CountOf(log, " starting as node "));
            Assert.DoesNotContain("[ERR]", log, StringComparison.Ordinal);

            // Uninstall: the service goes, the node says Stopped (a graceful stop), the data stays.
            await UninstallAsync(newer);
            Assert.Null(await wine.StateOfAsync(AgentService));
            AssertRemovedFromInstallFolder();
            await Eventually.HoldsAsync(async () => await LivenessAsync(http, nodeId) == "Stopped", "the node is Stopped");
            Assert.True(File.Exists(Path.Combine(DataFolder, "credential")));

            // Installed again it is the same node; uninstalled with REMOVEDATA=1 its data goes too.
            await InstallAsync(msi, $"CONTROLPLANEURL={controlPlane.Url}", $"ENROLLMENTTOKEN={RunningControlPlane.EnrollmentToken}");
            Assert.Equal(nodeId, await WaitForOneAliveNodeAsync(http));
            await UninstallAsync(msi, "REMOVEDATA=1");
            Assert.Null(await wine.StateOfAsync(AgentService));
            Assert.False(Directory.Exists(DataFolder));
        }
        finally
        {
            await wine.MsiexecAsync("/x", WineHost.WindowsPath(msi), "/qn");
            await wine.MsiexecAsync("/x", WineHost.WindowsPath(newer), "/qn");
            RemoveData();
        }
    }

    [Theory]
    [InlineData("no address", "")]
    [InlineData("not a URL", "CONTROLPLANEURL=controlplane.example:5080")]
    [InlineData("a bad second address", "CONTROLPLANEURL=http://127.0.0.1:5080,ftp://controlplane.example")]
    [InlineData("no token", "CONTROLPLANEURL=http://127.0.0.1:5080")]
    public async Task A_bad_property_fails_the_install_and_leaves_nothing_installed(string why, string property)
    {
        var msi = await AgentInstaller.BuildAsync(wine.AgentExe);
        string[] properties = property.Length == 0 ? [] : [property];
        if (why != "no token")
        {
            properties = [.. properties, $"ENROLLMENTTOKEN={RunningControlPlane.EnrollmentToken}"];
        }

        try
        {
            var (exitCode, log) = await wine.MsiexecAsync(["/i", WineHost.WindowsPath(msi), "/qn", .. properties]);

            Assert.True(Failed.Contains(exitCode), $"{why}: msiexec exited with {exitCode}; log: {Tail(log)}");
            // Refused by a launch condition before anything is installed, or by the configuration
            // step (which checks every address), after which the installation rolled back.
            Assert.Matches(@"Action ended [\d:]+: (LaunchConditions|ConfigureAgent)\. Return value (0|3)\.", log);
            Assert.Null(await wine.StateOfAsync(AgentService));
            Assert.False(File.Exists(Path.Combine(InstallFolder, "Vigil.Agent.exe")), $"{why}: the agent's files were left behind");
            Assert.False(File.Exists(Path.Combine(DataFolder, "agent.json")), $"{why}: agent.json was written");
        }
        finally
        {
            await wine.MsiexecAsync("/x", WineHost.WindowsPath(msi), "/qn");
            RemoveData();
        }
    }

    private async Task InstallAsync(string msi, params string[] properties)
    {
        var (exitCode, log) = await wine.MsiexecAsync(["/i", WineHost.WindowsPath(msi), "/qn", .. properties]);
        Assert.True(exitCode == 0, $"msiexec /i exited with {exitCode}; log: {Tail(log)}");
    }

    private async Task UninstallAsync(string msi, params string[] properties)
    {
        var (exitCode, log) = await wine.MsiexecAsync(["/x", WineHost.WindowsPath(msi), "/qn", .. properties]);
        Assert.True(exitCode == 0, $"msiexec /x exited with {exitCode}; log: {Tail(log)}");
    }

    /// <summary>Waits for the control plane to know exactly one node, Alive, and gives its id.</summary>
    private async Task<Guid> WaitForOneAliveNodeAsync(HttpClient http)
    {
        Guid? id = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                var nodes = (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/nodes", UriKind.Relative))).GetProperty("items").EnumerateArray().ToList();
                Assert.True(nodes.Count <= 1, $"the agent enrolled as a second node: {string.Join(", ", nodes)}");
                id = nodes is [var node] && node.GetProperty("liveness").GetString() == "Alive" ? node.GetProperty("id").GetGuid() : null;
                return id is not null;
            },
            $"the installed agent's node is Alive; agent log: {AgentLogTail()}",
            TimeSpan.FromSeconds(90));
        return id!.Value;
    }

    private static async Task<string?> LivenessAsync(HttpClient http, Guid nodeId) =>
        (await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}", UriKind.Relative))).GetProperty("liveness").GetString();

    private string AgentLogTail() => Directory.Exists(Path.Combine(DataFolder, "logs")) ? Tail(LogFiles.ReadAll(DataFolder, "agent-*.log")) : "(none)";

    private void AssertRemovedFromInstallFolder()
    {
        var left = Directory.Exists(InstallFolder) ? Directory.GetFiles(InstallFolder).Select(Path.GetFileName).ToList() : [];
        Assert.True(left is [], $"left in the install folder: {string.Join(", ", left)}");
    }

    private void RemoveData()
    {
        if (Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }

    private static string NextVersion(string version)
    {
        var parts = version.Split('.').Select(int.Parse).ToArray();
        parts[^1]++;
        return string.Join('.', parts);
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}

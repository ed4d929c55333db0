using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Failover;

/// <summary>Drills against real agents: a fault injection on demand, and switchovers on a Quartz schedule.</summary>
[Collection(TimingSensitive.Name)]
public sealed class DrillTests
{
    [Fact]
    public async Task A_fault_injection_drill_kills_the_active_service_and_reports_the_failover_that_followed()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var active = (await cluster.ActiveNodeAsync(group))!;

        using var response = await cluster.PostAsync($"/api/v1/groups/{group}/drills", new { kind = "FaultInjection" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var drillId = (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();

        var report = await FinishedDrillAsync(cluster, drillId);
        Assert.Equal("Passed", report.GetProperty("outcome").GetString());
        Assert.False(report.GetProperty("overlap").GetBoolean());
        Assert.InRange(report.GetProperty("rtoMs").GetInt64(), 1, 5000);
        Assert.True(report.GetProperty("detectionMs").GetInt64() <= report.GetProperty("rtoMs").GetInt64());
        // The report follows the new active's report of its service running; its port may answer a moment later.
        await cluster.WaitForServiceOnAnotherNodeAsync(active, TimeSpan.FromSeconds(20));
        Assert.Single(cluster.Answering());
        Assert.Empty(cluster.Overlaps);

        // A drill of a kind that does not exist is refused.
        using var again = await cluster.PostAsync($"/api/v1/groups/{group}/drills", new { kind = "Sideways" });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
    }

    [Fact]
    public async Task A_scheduled_switchover_drill_runs_by_itself_and_reports()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        using var http = cluster.ControlPlane.CreateHttpClient();
        var definition = await cluster.GroupAsync(group);
        using var put = await http.PutAsJsonAsync(
            new Uri($"/api/v1/groups/{group}", UriKind.Relative),
            new
            {
                name = "web",
                members = definition.GetProperty("members").EnumerateArray().Select(m => new { nodeId = m.GetProperty("nodeId").GetGuid(), service = "web", priority = m.GetProperty("priority").GetInt32() }),
                drills = new { schedule = "0/10 * * ? * *", kind = "Switchover" },
            },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        JsonElement drill = default;
        await Eventually.HoldsAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/groups/{group}/drills", UriKind.Relative))).GetProperty("items").EnumerateArray()
                .FirstOrDefault(d => d.GetProperty("trigger").GetString() == "schedule" && d.GetProperty("outcome").GetString() != "Running") is { ValueKind: JsonValueKind.Object } found && (drill = found).ValueKind == JsonValueKind.Object,
            "a scheduled drill has finished",
            TimeSpan.FromSeconds(40));
        Assert.Equal("Passed", drill.GetProperty("outcome").GetString());
        Assert.Equal("Switchover", drill.GetProperty("kind").GetString());
        Assert.Empty(cluster.Overlaps);
    }

    private static async Task<JsonElement> FinishedDrillAsync(FailoverCluster cluster, Guid drillId)
    {
        using var http = cluster.ControlPlane.CreateHttpClient();
        JsonElement report = default;
        await Eventually.HoldsAsync(
            async () => (report = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/drills/{drillId}", UriKind.Relative))).GetProperty("outcome").GetString() != "Running",
            "the drill has finished",
            TimeSpan.FromSeconds(30));
        return report;
    }
}

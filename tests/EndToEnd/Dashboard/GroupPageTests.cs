using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>A switchover and a drill run from a failover group's page, with two real agents, seen through to their RTO.</summary>
public sealed class GroupPageTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_switchover_from_the_group_page_moves_the_active_member_and_the_history_shows_its_RTO()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var page = await new Support.Dashboard(browser, cluster.ControlPlane.Url).OpenAsync($"/groups/{group}");
        await Expect(page.GetByTestId("group-active")).ToHaveTextAsync("Active on node1", Patience);
        await Expect(page.GetByTestId("member").Filter(new() { HasText = "node2" }).GetByTestId("member-role")).ToContainTextAsync("Standby");

        await page.GetByTestId("switchover").ClickAsync();
        await Support.Dashboard.ConfirmAsync(page, "Switch over");

        await Expect(page.GetByTestId("group-active")).ToHaveTextAsync("Active on node2", Patience);
        await Expect(page.GetByTestId("member").Filter(new() { HasText = "node2" }).GetByTestId("member-role")).ToContainTextAsync("Active");
        var latest = page.GetByTestId("history-row").First;
        await Expect(latest.GetByTestId("history-kind")).ToHaveTextAsync("Switchover", Patience);
        await Expect(latest.GetByTestId("history-to")).ToHaveTextAsync("node2");
        await Expect(latest.GetByTestId("history-rto")).ToHaveTextAsync(new Regex(@"^\d+ ms$"), new() { Timeout = 30_000 });
        await cluster.WaitForServiceOnAnotherNodeAsync(cluster.Nodes[0], TimeSpan.FromSeconds(20));
        Assert.Empty(cluster.Overlaps);

        var audit = await new Support.Dashboard(browser, cluster.ControlPlane.Url).OpenAsync("/audit");
        var entry = audit.Locator("tr", new() { Has = audit.GetByTestId("audit-action").GetByText("group.switchover", new() { Exact = true }) });
        await Expect(entry).ToContainTextAsync("admin");
        await Expect(entry).ToContainTextAsync($"group/{group}");
    }

    [Fact]
    public async Task A_drill_from_the_group_page_moves_the_active_member_and_its_report_shows_the_RTO()
    {
        await using var cluster = await FailoverCluster.StartAsync(2);
        var group = await cluster.CreateGroupAsync();
        var page = await new Support.Dashboard(browser, cluster.ControlPlane.Url).OpenAsync($"/groups/{group}");
        await Expect(page.GetByTestId("member").Filter(new() { HasText = "node2" }).GetByTestId("member-eligible")).ToHaveTextAsync("yes", Patience);

        await page.GetByTestId("start-drill").ClickAsync();
        await Support.Dashboard.ConfirmAsync(page, "Run the drill");

        await Expect(page.GetByTestId("group-active")).ToHaveTextAsync("Active on node2", Patience);
        var drill = page.GetByTestId("drills-table").GetByTestId("drill-row").First;
        await Expect(drill.GetByTestId("drill-outcome")).ToHaveTextAsync(new Regex("^(Passed|Failed)$"), new() { Timeout = 30_000 });
        await drill.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Report of the Switchover drill") }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Switchover drill of web");
        await Expect(page.GetByTestId("drill-rto")).ToHaveTextAsync(new Regex(@"^\d+ ms \(objective 5 s\)$"));
        await Expect(page.GetByTestId("drill-message")).ToContainTextAsync("recovered in");
        Assert.Empty(cluster.Overlaps);
    }
}

using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>A switchover run from a failover group's page, with two real agents, seen through to its RTO in the history.</summary>
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
        await Expect(latest.GetByTestId("history-rto")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+ ms$"), new() { Timeout = 30_000 });
        await cluster.WaitForServiceOnAnotherNodeAsync(cluster.Nodes[0], TimeSpan.FromSeconds(20));
        Assert.Empty(cluster.Overlaps);
    }
}

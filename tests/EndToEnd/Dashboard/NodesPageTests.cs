using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The Nodes page in Chromium, following real agent processes, without ever reloading.</summary>
public sealed class NodesPageTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task The_nodes_page_follows_an_agent_that_dies_and_comes_back_without_reloading()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var agentData = RepositoryLayout.NewTemporaryDirectory("e2e-agent");
        var agent = controlPlane.StartAgent("e2e-web-01", agentData);
        var page = await new Support.Dashboard(browser, controlPlane.Url).OpenAsync("/nodes");
        var liveness = LivenessOf(page, "e2e-web-01");

        await Expect(liveness).ToHaveTextAsync("Alive", Patience);
        await page.EvaluateAsync("() => window.vigilSamePage = true");

        await agent.KillAsync();
        await Expect(liveness).ToHaveTextAsync("Lost", Patience);

        controlPlane.StartAgent("e2e-web-01", agentData);
        await Expect(liveness).ToHaveTextAsync("Alive", Patience);
        Assert.True(await page.EvaluateAsync<bool>("() => window.vigilSamePage === true"), "the page was reloaded");
        Assert.Equal(1, await page.GetByTestId("node-name").GetByText("e2e-web-01", new() { Exact = true }).CountAsync());
    }

    private static ILocator LivenessOf(IPage page, string nodeName) =>
        page.Locator("tr", new() { Has = page.GetByTestId("node-name").GetByText(nodeName, new() { Exact = true }) })
            .GetByTestId("liveness");
}

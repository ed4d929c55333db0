using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The events page of a node with two real services, narrowed by its filters.</summary>
public sealed class EventsPageTests(Browser browser)
{
    [Fact]
    public async Task Filters_by_service_and_kind_narrow_the_events_shown()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-dash-events");
        AgentConfigFile.Rewrite(
            node.ConfigFile,
            TestServiceProgram.ProcessService("web", RepositoryLayout.FreePort(), node.StateFile("web")),
            TestServiceProgram.ProcessService("worker", RepositoryLayout.FreePort(), node.StateFile("worker")));
        await node.WaitForHealthAsync("web", "Healthy");
        await node.WaitForHealthAsync("worker", "Healthy");
        await node.WaitForEventAsync("ServiceStarted", "web");
        await node.WaitForEventAsync("ServiceStarted", "worker");
        await node.WaitForEventAsync("AgentStarted");

        var page = await new Support.Dashboard(browser, node.ControlPlane.Url).OpenAsync("/events");
        var rows = page.GetByTestId("event-row");
        var services = page.GetByTestId("event-service");
        await Expect(services.GetByText("worker", new() { Exact = true }).First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("event-kind").GetByText("AgentStarted", new() { Exact = true }).First).ToBeVisibleAsync();
        var all = await rows.CountAsync();

        await page.GetByTestId("filter-service").FillAsync("web");
        await Expect(services.GetByText("worker", new() { Exact = true })).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("event-kind").GetByText("AgentStarted", new() { Exact = true })).ToHaveCountAsync(0);
        var ofWeb = await services.AllInnerTextsAsync();
        Assert.NotEmpty(ofWeb);
        Assert.All(ofWeb, service => Assert.Equal("web", service));
        Assert.True(ofWeb.Count < all, $"{ofWeb.Count} events of web among {all}");

        await page.GetByTestId("filter-kind").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "ServiceStarted", Exact = true }).ClickAsync();
        await Expect(page.GetByTestId("event-kind").GetByText("ServiceStarted", new() { Exact = true }).First).ToBeVisibleAsync();
        var kinds = await page.GetByTestId("event-kind").AllInnerTextsAsync();
        Assert.All(kinds, kind => Assert.Equal("ServiceStarted", kind));
        Assert.All(await services.AllInnerTextsAsync(), service => Assert.Equal("web", service));
    }
}

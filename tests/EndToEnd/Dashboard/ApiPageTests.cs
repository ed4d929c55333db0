using System.Collections.Concurrent;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The interactive API page (<c>/scalar/v1</c>) in Chromium, served by the control plane alone.</summary>
public sealed class ApiPageTests(Browser browser)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task The_api_page_lists_the_operations_and_loads_nothing_from_elsewhere()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var page = await browser.NewPageAsync();
        var elsewhere = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.Authority != controlPlane.Url.Authority)
            {
                elsewhere.Enqueue(request.Url);
            }
        };

        await page.GotoAsync(new Uri(controlPlane.Url, "/scalar/v1").ToString());

        var sidebar = page.GetByRole(AriaRole.Complementary);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Vigil control plane API" })).ToBeVisibleAsync(Patience);
        foreach (var tag in new[] { "Nodes", "Services", "Configuration", "Events", "Commands", "Failover groups" })
        {
            await Expect(sidebar.GetByRole(AriaRole.Link, new() { Name = tag, Exact = true })).ToBeVisibleAsync(Patience);
        }

        var failoverGroups = sidebar.GetByRole(AriaRole.Button, new() { Name = "Open Group - Failover groups" });
        if (await failoverGroups.CountAsync() > 0)
        {
            await failoverGroups.ClickAsync();
        }

        await Expect(OperationLink(sidebar, "Lists failover groups with their live status.")).ToBeVisibleAsync(Patience);
        await sidebar.GetByRole(AriaRole.Button, new() { Name = "Open Group - Services" }).ClickAsync();
        await Expect(OperationLink(sidebar, "Lists the managed services of every node, filtered and paged.")).ToBeVisibleAsync(Patience);
        await sidebar.GetByRole(AriaRole.Button, new() { Name = "Open Group - Commands" }).ClickAsync();
        await Expect(OperationLink(sidebar, "Sends a command to a managed service on a node.")).ToBeVisibleAsync(Patience);

        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.True(elsewhere.IsEmpty, $"The page asked other hosts for: {string.Join(", ", elsewhere)}");
    }

    /// <summary>The sidebar's link to an operation, named by its summary (and its HTTP method after it).</summary>
    private static ILocator OperationLink(ILocator sidebar, string summary) =>
        sidebar.GetByRole(AriaRole.Link).Filter(new() { HasText = summary });
}

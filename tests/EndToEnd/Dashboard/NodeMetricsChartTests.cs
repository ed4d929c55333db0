using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The CPU and memory charts of a node's page in Chromium, fed by a real agent process.</summary>
public sealed partial class NodeMetricsChartTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveAttributeOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task The_node_page_charts_cpu_and_memory_lets_the_range_be_chosen_and_keeps_them_in_the_dark_theme()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        controlPlane.StartAgent("e2e-metrics-01", RepositoryLayout.NewTemporaryDirectory("e2e-agent"));
        string? nodeId = null;
        await Eventually.HoldsAsync(async () => (nodeId = (await api.NodeAsync("e2e-metrics-01"))?.GetProperty("id").GetString()) is not null, "the node registers", TimeSpan.FromSeconds(60));
        var page = await new Support.Dashboard(browser, controlPlane.Url).OpenAsync($"/nodes/{nodeId}");

        var cpu = page.GetByTestId("metrics-cpu");
        var memory = page.GetByTestId("metrics-memory");
        await Expect(cpu).ToHaveAttributeAsync("aria-label", CpuSummary(), Patience);
        await Expect(memory).ToHaveAttributeAsync("aria-label", MemorySummary(), Patience);
        await Eventually.HoldsAsync(async () => await cpu.Locator("svg circle").CountAsync() > 0, "the CPU chart marks the minute in progress");

        var day = page.GetByTestId("metrics-range-24h");
        await Eventually.HoldsAsync(
            async () =>
            {
                await day.ClickAsync();
                return await day.GetAttributeAsync("aria-pressed") == "true";
            },
            "the 24 h range is chosen once the page is interactive");
        Assert.Equal("false", await page.GetByTestId("metrics-range-1h").GetAttributeAsync("aria-pressed"));
        await Expect(cpu).ToHaveAttributeAsync("aria-label", new Regex("^CPU over the last 24 h: average"), Patience);
        Assert.Equal("Time range of the CPU and memory charts", await page.GetByRole(AriaRole.Group, new() { Name = "Time range of the CPU and memory charts" }).GetAttributeAsync("aria-label"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Use dark theme" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Use light theme" })).ToBeVisibleAsync();
        await Expect(cpu).ToBeVisibleAsync();
        var legend = await cpu.GetByText("CPU average").EvaluateAsync<string>("e => getComputedStyle(e).color");
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
        Assert.NotEqual(background, legend);
    }

    [GeneratedRegex(@"^CPU over the last 1 h: average \d+ %, highest \d+ %, latest \d+ %\.$")]
    private static partial Regex CpuSummary();

    [GeneratedRegex(@"^Memory over the last 1 h: in use [\d.]+ to [\d.]+ GiB, latest [\d.]+ of [\d.]+ GiB\.$")]
    private static partial Regex MemorySummary();
}

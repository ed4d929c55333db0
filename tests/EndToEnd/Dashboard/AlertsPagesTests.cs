using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The alert pages in Chromium: channels, rules and alerts, with a real service and a real HTTP receiver.</summary>
public sealed class AlertsPagesTests(Browser browser)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task An_admin_adds_a_channel_and_tests_it_adds_a_rule_sees_the_alert_fire_and_be_delivered_and_acknowledges_it()
    {
        var webPort = RepositoryLayout.FreePort();
        var hookPort = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-alerts");
        var web = TestServiceProgram.ProcessService("web", webPort, node.StateFile("web"));
        // Unhealthy stays Unhealthy (no restart by the probe), so the alert keeps firing until acknowledged.
        web["Probes"] = new[] { new { Kind = "http", Url = $"http://127.0.0.1:{webPort}/health", Interval = "00:00:00.500", Timeout = "00:00:00.400", Rise = 1, Fall = 1, RestartOnFailure = false } };
        // The receiver of the channel: another test service, whose POST /healthy answers 200.
        var hook = TestServiceProgram.ProcessService("hook", hookPort, node.StateFile("hook"));
        AgentConfigFile.Rewrite(node.ConfigFile, web, hook);
        await node.WaitForHealthAsync("web", "Healthy");
        await TestServiceProgram.WaitUntilAnswersAsync(hookPort);
        var dashboard = new Support.Dashboard(browser, node.ControlPlane.Url);

        var channels = await dashboard.OpenAsync("/alerts/channels");
        await channels.GetByLabel("Name", new() { Exact = true }).FillAsync("e2e hook");
        await channels.GetByLabel("URL", new() { Exact = true }).FillAsync($"http://127.0.0.1:{hookPort}/healthy");
        await channels.GetByRole(AriaRole.Button, new() { Name = "Add channel" }).ClickAsync();
        await Expect(channels.GetByTestId("channel-name").GetByText("e2e hook", new() { Exact = true })).ToBeVisibleAsync();
        await channels.GetByRole(AriaRole.Button, new() { Name = "Send a test message through e2e hook" }).ClickAsync();
        await Expect(channels.GetByTestId("channel-test-result")).ToHaveTextAsync("sent: sent");

        var rules = await dashboard.OpenAsync("/alerts/rules");
        await rules.GetByLabel("Name", new() { Exact = true }).FillAsync("web unhealthy");
        await rules.GetByRole(AriaRole.Combobox, new() { Name = "Channels" }).ClickAsync();
        await rules.GetByRole(AriaRole.Option, new() { Name = "e2e hook", Exact = true }).ClickAsync();
        await rules.Keyboard.PressAsync("Escape");
        await rules.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        await Expect(rules.GetByTestId("rule-name").GetByText("web unhealthy", new() { Exact = true })).ToBeVisibleAsync();

        using (await Http.PostAsync(new Uri($"http://127.0.0.1:{webPort}/unhealthy"), null, TestContext.Current.CancellationToken))
        {
        }

        await node.WaitForHealthAsync("web", "Unhealthy");
        var alerts = await dashboard.OpenAsync("/alerts");
        var row = alerts.Locator("tr", new() { Has = alerts.GetByRole(AriaRole.Link, new() { Name = "web unhealthy" }) });
        await Expect(row.GetByTestId("alert-state")).ToHaveTextAsync("Firing", new() { Timeout = 30_000 });
        await row.GetByRole(AriaRole.Link, new() { Name = "web unhealthy" }).ClickAsync();

        await Expect(alerts).ToHaveURLAsync(new Regex("/alerts/[0-9a-f-]{36}$"));
        await Support.Dashboard.WaitUntilInteractiveAsync(alerts);
        await Expect(alerts.GetByTestId("delivery-state").First).ToContainTextAsync("Sent", new() { Timeout = 30_000 });
        await alerts.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Expect(alerts.GetByTestId("alert-detail-state")).ToHaveTextAsync("Acknowledged by admin");

        using var api = node.ControlPlane.CreateHttpClient();
        var audit = await api.GetStringAsync(new Uri("/api/v1/audit?action=AcknowledgeAlert", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("dashboard: alert", audit, StringComparison.Ordinal);
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>Every operational page, in the light and the dark theme, has no serious or critical axe violation.</summary>
public sealed class AccessibilityTests(Browser browser)
{
    [Fact]
    public async Task Every_page_passes_axe_without_serious_or_critical_violations_in_both_themes()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-dash-axe");
        AgentConfigFile.Rewrite(node.ConfigFile, TestServiceProgram.ProcessService("web", RepositoryLayout.FreePort(), node.StateFile("web")));
        await node.WaitForHealthAsync("web", "Healthy");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        using var http = node.ControlPlane.CreateHttpClient();
        using var created = await http.PostAsJsonAsync(
            new Uri("/api/v1/groups", UriKind.Relative),
            new { name = "web", members = new[] { new { nodeId, service = "web", priority = 1 } } },
            TestContext.Current.CancellationToken);
        var groupId = JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("id").GetGuid();
        var dashboard = new Support.Dashboard(browser, node.ControlPlane.Url);
        var violations = new List<string>();

        foreach (var path in new[]
        {
            "/", "/nodes", $"/nodes/{nodeId}", "/groups", $"/groups/{groupId}", "/groups/new", "/events", "/commands", "/drills",
            "/audit", "/admin/users", "/admin/api-keys", "/admin/enrollment-tokens", "/admin/agents", "/alerts", "/alerts/channels", "/alerts/rules", "/alerts/silences",
        })
        {
            var page = await dashboard.OpenAsync(path);
            await page.GetByRole(AriaRole.Heading, new() { Level = 1 }).First.WaitForAsync();
            violations.AddRange(await SeriousViolationsAsync(page, $"{path} (light)"));
            if (path == $"/groups/{groupId}")
            {
                await page.GetByTestId("edit-group").ClickAsync();
                await page.GetByTestId("group-form").WaitForAsync();
                violations.AddRange(await SeriousViolationsAsync(page, $"{path} with its form open"));
            }

            if (path == $"/nodes/{nodeId}")
            {
                violations.AddRange(await ServiceFormViolationsAsync(page, path));
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Use dark theme" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Use light theme" }).WaitForAsync();
            violations.AddRange(await SeriousViolationsAsync(page, $"{path} (dark)"));
            await page.Context.CloseAsync();
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task The_sign_in_and_password_pages_pass_axe_without_serious_or_critical_violations()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var violations = new List<string>();
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(controlPlane.Url, "/account/login?error=invalid").ToString());
        violations.AddRange(await SeriousViolationsAsync(page, "/account/login"));
        await Browser.SignInAsync(page, controlPlane.Url, "admin", RunningControlPlane.AdminPassword);
        foreach (var path in new[] { "/account/password?error=The%20new%20password%20and%20its%20confirmation%20differ.", "/account/denied" })
        {
            await page.GotoAsync(new Uri(controlPlane.Url, path).ToString());
            violations.AddRange(await SeriousViolationsAsync(page, path));
        }

        Assert.True(violations.Count == 0, string.Join(Environment.NewLine, violations));
    }

    /// <summary>The node page's service form, with the validator's errors on its fields and its advanced options open, then the preview of a valid change (not saved).</summary>
    private static async Task<IEnumerable<string>> ServiceFormViolationsAsync(IPage page, string path)
    {
        var violations = new List<string>();
        await page.GetByTestId("add-service").ClickAsync();
        await page.GetByTestId("definition-name").FillAsync("not a name!");
        await page.GetByTestId("definition-review").ClickAsync();
        await Expect(page.GetByTestId("definition-name")).ToHaveAttributeAsync("aria-invalid", "true");
        violations.AddRange(await SeriousViolationsAsync(page, $"{path} with the service form showing errors"));
        await page.GetByText("Advanced: hooks, priority, logs").ClickAsync();
        await page.GetByTestId("field-preStart.executable").WaitForAsync();
        violations.AddRange(await SeriousViolationsAsync(page, $"{path} with the service form's advanced options open"));
        await page.GetByText("Windows service (installed on the node)").ClickAsync();
        await page.GetByTestId("definition-service-name").WaitForAsync();
        await page.GetByTestId("definition-name").FillAsync("iis");
        await page.GetByTestId("definition-service-name").FillAsync("W3SVC");
        await page.GetByTestId("definition-review").ClickAsync();
        await page.GetByTestId("change-preview").WaitForAsync();
        violations.AddRange(await SeriousViolationsAsync(page, $"{path} with a change previewed"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Back", Exact = true }).ClickAsync();
        await page.GetByTestId("definition-form").GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await page.GetByTestId("definition-form").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        return violations;
    }

    private static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string where)
    {
        // Colours are measured as they end, not halfway through a theme's transition.
        await page.AddStyleTagAsync(new() { Content = "*, *::before, *::after { transition: none !important; animation: none !important; }" });
        var result = await page.RunAxe();
        return result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");
    }
}

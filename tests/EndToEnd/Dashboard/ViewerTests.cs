using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>A Viewer in Chromium: sees everything, is offered no action, and a request forged from their session is refused and audited.</summary>
public sealed class ViewerTests(Browser browser)
{
    private const string ViewerPassword = "viewer-own-password-2026";

    [Fact]
    public async Task A_viewer_sees_no_action_and_a_forged_request_is_refused_and_audited()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-dash-viewer");
        AgentConfigFile.Rewrite(node.ConfigFile, TestServiceProgram.ProcessService("web", RepositoryLayout.FreePort(), node.StateFile("web")));
        await node.WaitForHealthAsync("web", "Healthy");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        using var http = node.ControlPlane.CreateHttpClient();
        var group = await PostAsync(http, "/api/v1/groups", new { name = "web", members = new[] { new { nodeId, service = "web", priority = 1 } } });
        var groupId = group.GetProperty("id").GetGuid();
        await PostAsync(http, "/api/v1/users", new { userName = "vera", role = "Viewer", password = "a-password-set-by-admin" });

        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, node.ControlPlane.Url, "vera", "a-password-set-by-admin");
        await ChooseOwnPasswordAsync(page, "a-password-set-by-admin");

        await page.GotoAsync(new Uri(node.ControlPlane.Url, $"/nodes/{nodeId}").ToString());
        await Support.Dashboard.WaitUntilInteractiveAsync(page);
        var web = page.Locator("tr", new() { Has = page.GetByTestId("service-name").GetByText("web", new() { Exact = true }) });
        await Expect(web).ToBeVisibleAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("vera · Viewer");
        foreach (var action in new[] { "Restart", "Start", "Stop", "Pause", "Continue" })
        {
            // The buttons an Operator sees on this row (NodeCommandsPageTests presses "Restart web").
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"{action} web", Exact = true })).ToHaveCountAsync(0);
        }

        await page.GotoAsync(new Uri(node.ControlPlane.Url, $"/groups/{groupId}").ToString());
        await Support.Dashboard.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByTestId("group-active")).ToHaveTextAsync(new Regex("Active on"), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("switchover")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("edit-group")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(node.ControlPlane.Url, "/admin/users").ToString());
        await Expect(page.GetByText("Your role does not allow this page.")).ToBeVisibleAsync();

        // The same request the Operator's restart button sends, forged from the Viewer's own session.
        var status = await page.EvaluateAsync<int>(
            """
            async ([nodeId]) => (await fetch('/api/v1/commands', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ nodeId, service: 'web', kind: 'restart' }),
            })).status
            """,
            new[] { nodeId.ToString() });
        Assert.Equal(403, status);
        using var commands = await http.GetAsync(new Uri("/api/v1/commands?kind=Restart", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(0, JsonDocument.Parse(await commands.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("totalCount").GetInt32());

        var audit = await new Support.Dashboard(browser, node.ControlPlane.Url).OpenAsync("/audit");
        var refusal = audit.Locator("tr", new() { Has = audit.GetByTestId("audit-actor").GetByText("vera", new() { Exact = true }) })
            .Filter(new() { Has = audit.GetByTestId("audit-action").GetByText("PostCommand", new() { Exact = true }) });
        await Expect(refusal).ToContainTextAsync("Denied");
    }

    private static async Task ChooseOwnPasswordAsync(IPage page, string current)
    {
        await Expect(page).ToHaveURLAsync(new Regex("/account/password"));
        await page.GetByLabel("Current password").FillAsync(current);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(ViewerPassword);
        await page.GetByLabel("New password again").FillAsync(ViewerPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToBeVisibleAsync();
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var response = await http.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

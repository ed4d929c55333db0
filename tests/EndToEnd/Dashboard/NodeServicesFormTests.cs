using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>
/// A managed service defined on the node's page: refused first with the validator's errors on their
/// fields, then previewed, saved into the node's configuration and supervised by the real agent,
/// edited and removed; an Operator is told that a new program needs an Admin.
/// </summary>
public sealed class NodeServicesFormTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 60_000 };

    [Fact]
    public async Task A_service_added_on_the_node_page_shows_its_errors_on_the_fields_then_is_stored_and_supervised_by_the_agent()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-dash-editor", new SupervisedNode.AgentSetup(new { AllowedExecutables = new[] { TestServiceProgram.DotnetPath } }));
        await Eventually.HoldsAsync(async () => await node.Api.NodeAsync(node.NodeName) is not null, "the node registered");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        var page = await new Support.Dashboard(browser, node.ControlPlane.Url).OpenAsync($"/nodes/{nodeId}");

        await page.GetByTestId("add-service").ClickAsync();
        await page.GetByTestId("definition-name").FillAsync("not a name!");
        await page.GetByTestId("add-probe").ClickAsync();
        await page.GetByTestId("field-probes[0].url").FillAsync("nope");
        await page.GetByTestId("definition-review").ClickAsync();

        var form = page.GetByTestId("definition-form");
        await Expect(form).ToContainTextAsync("must be 1 to 64 characters");
        await Expect(form).ToContainTextAsync("is required");
        await Expect(form).ToContainTextAsync("must be an absolute http or https URL");
        await Expect(page.GetByTestId("definition-name")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByTestId("definition-executable")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByTestId("field-probes[0].url")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.GetByTestId("change-preview")).ToHaveCountAsync(0);

        await page.GetByTestId("definition-name").FillAsync("web");
        await page.GetByTestId("definition-executable").FillAsync(TestServiceProgram.DotnetPath);
        await page.GetByTestId("definition-arguments").FillAsync(string.Join('\n', TestServiceArguments(node, port)));
        await page.GetByTestId("field-probes[0].url").FillAsync($"http://127.0.0.1:{port}/health");
        await page.GetByTestId("field-restart.maxRestarts").FillAsync("5");
        await page.GetByTestId("definition-review").ClickAsync();

        var preview = page.GetByTestId("change-preview");
        await Expect(preview).ToContainTextAsync("Review: Add web");
        await Expect(preview.GetByTestId("change-field").Filter(new() { HasText = "executable" })).ToContainTextAsync(TestServiceProgram.DotnetPath);
        await Expect(preview.GetByTestId("change-field").Filter(new() { HasText = "restart.maxRestarts" })).ToContainTextAsync("5");
        await page.GetByTestId("change-save").ClickAsync();

        await Expect(page.GetByTestId("desired-version")).ToHaveTextAsync("configuration v1");
        await Expect(page.GetByTestId("desired-name")).ToHaveTextAsync("web");
        var reported = page.GetByTestId("services-table").Locator("tr", new() { Has = page.GetByTestId("service-name").GetByText("web", new() { Exact = true }) });
        await Expect(reported.GetByTestId("service-state")).ToHaveTextAsync("Running", Patience);
        await node.WaitForHealthAsync("web", "Healthy");
        Assert.Single(TestServiceProgram.ReadState(node.StateFile("web")), s => s.What == "started");

        using var http = node.ControlPlane.CreateHttpClient();
        var configuration = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}/configuration", UriKind.Relative), TestContext.Current.CancellationToken);
        var stored = Assert.Single(configuration.GetProperty("services").EnumerateArray());
        Assert.Equal(TestServiceProgram.DotnetPath, stored.GetProperty("executable").GetString());
        Assert.Equal(5, stored.GetProperty("restart").GetProperty("maxRestarts").GetInt32());
        Assert.Equal($"http://127.0.0.1:{port}/health", stored.GetProperty("probes")[0].GetProperty("url").GetString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit web", Exact = true }).ClickAsync();
        await page.GetByTestId("field-restart.maxRestarts").FillAsync("3");
        await page.GetByTestId("definition-review").ClickAsync();
        await Expect(preview).ToContainTextAsync("Review: Change web");
        await Expect(preview.GetByTestId("change-field").Locator("td")).ToHaveTextAsync(["restart.maxRestarts", "5", "3"]);
        await page.GetByTestId("change-save").ClickAsync();
        await Expect(page.GetByTestId("desired-version")).ToHaveTextAsync("configuration v2");

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove web", Exact = true }).ClickAsync();
        await Expect(preview).ToContainTextAsync("Review: Remove web");
        await page.GetByTestId("change-save").ClickAsync();
        await Expect(page.GetByTestId("desired-version")).ToHaveTextAsync("configuration v3");
        await Expect(page.GetByTestId("desired-name")).ToHaveCountAsync(0);
        await Eventually.HoldsAsync(async () => await node.Api.ServiceAsync(node.NodeName, "web") is null, "the agent no longer supervises the removed service");

        var audit = await new Support.Dashboard(browser, node.ControlPlane.Url).OpenAsync("/audit");
        var entry = audit.Locator("tr", new() { Has = audit.GetByTestId("audit-action").GetByText("PutNodeConfiguration", new() { Exact = true }) });
        await Expect(entry).ToHaveCountAsync(3);
        await Expect(entry.Filter(new() { HasText = "Add web" })).ToContainTextAsync("changes what the agent executes for web");
        await Expect(entry.Filter(new() { HasText = "Remove web" })).ToContainTextAsync("Succeeded");
    }

    [Fact]
    public async Task An_operator_sees_that_a_new_program_needs_an_admin_and_a_viewer_is_offered_no_change()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-dash-editor-roles", new SupervisedNode.AgentSetup(new { AllowedExecutables = new[] { TestServiceProgram.DotnetPath } }));
        await Eventually.HoldsAsync(async () => await node.Api.NodeAsync(node.NodeName) is not null, "the node registered");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        using var http = node.ControlPlane.CreateHttpClient();
        foreach (var (name, role) in new[] { ("otto", "Operator"), ("vera", "Viewer") })
        {
            using var created = await http.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative), new { userName = name, role, password = "a-password-set-by-admin" }, TestContext.Current.CancellationToken);
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        }

        var asOperator = await SignInAsync(node, "otto", nodeId);
        await Expect(asOperator.GetByTestId("needs-admin-note")).ToContainTextAsync("requires Admin");
        await asOperator.GetByTestId("add-service").ClickAsync();
        await asOperator.GetByTestId("definition-name").FillAsync("web");
        await asOperator.GetByTestId("definition-executable").FillAsync(TestServiceProgram.DotnetPath);
        await asOperator.GetByTestId("definition-review").ClickAsync();
        await Expect(asOperator.GetByTestId("change-problem")).ToContainTextAsync("Changing what an agent executes requires Admin.");
        await Expect(asOperator.GetByTestId("change-preview")).ToHaveCountAsync(0);

        var asViewer = await SignInAsync(node, "vera", nodeId);
        await Expect(asViewer.GetByTestId("desired-table")).ToBeVisibleAsync();
        await Expect(asViewer.GetByTestId("add-service")).ToHaveCountAsync(0);
        var configuration = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{nodeId}/configuration", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(0, configuration.GetProperty("version").GetInt64());
    }

    private static string[] TestServiceArguments(SupervisedNode node, int port) =>
        [TestServiceProgram.Dll, "--port", port.ToString(CultureInfo.InvariantCulture), "--name", "web", "--state-file", node.StateFile("web")];

    /// <summary>Signs in as a user an admin created, who first chooses their own password, and opens the node's page.</summary>
    private async Task<IPage> SignInAsync(SupervisedNode node, string userName, Guid nodeId)
    {
        const string own = "own-password-chosen-2026";
        var page = await browser.NewPageAsync();
        await Browser.SignInAsync(page, node.ControlPlane.Url, userName, "a-password-set-by-admin");
        await Expect(page).ToHaveURLAsync(new Regex("/account/password"));
        await page.GetByLabel("Current password").FillAsync("a-password-set-by-admin");
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(own);
        await page.GetByLabel("New password again").FillAsync(own);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(node.ControlPlane.Url, $"/nodes/{nodeId}").ToString());
        await Support.Dashboard.WaitUntilInteractiveAsync(page);
        return page;
    }
}

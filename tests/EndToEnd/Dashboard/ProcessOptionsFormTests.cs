using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.Shared.Services;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>
/// The advanced options of a <c>process</c> service defined on the node's page (a lifecycle hook, the
/// priority): a hook the validator or the node's agent would refuse shows why on its field, a valid one
/// reaches the node's stored desired configuration. The node is a real SignalR client that announced
/// which programs its agent runs for the control plane.
/// </summary>
public sealed class ProcessOptionsFormTests(Browser browser)
{
    [Fact]
    public async Task A_prestart_hook_and_a_priority_set_in_the_form_are_stored_after_the_hooks_errors_show_on_its_fields()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        await using var agent = await TestAgentConnection.ConnectAsync(controlPlane.Url, RunningControlPlane.EnrollmentToken, nodeName: "e2e-dash-hooks");
        await agent.RegisterAsync(agent.Registration() with { RemoteExecution = new RemoteExecutionPolicy { AllowedFolders = ["/opt/web"] } });
        var page = await new Support.Dashboard(browser, controlPlane.Url).OpenAsync($"/nodes/{agent.NodeId}");

        await page.GetByTestId("add-service").ClickAsync();
        await page.GetByTestId("definition-name").FillAsync("web");
        await page.GetByTestId("definition-executable").FillAsync("/opt/web/web");
        await page.GetByText("Advanced: hooks, priority, logs").ClickAsync();
        await page.GetByTestId("field-preStart.executable").FillAsync("migrate");
        await page.GetByTestId("field-preStart.timeout").FillAsync("700");
        await page.GetByTestId("field-logs.maxFileBytes").FillAsync("2000");
        await page.GetByTestId("definition-review").ClickAsync();

        var form = page.GetByTestId("definition-form");
        await Expect(page.GetByTestId("field-preStart.timeout")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(form).ToContainTextAsync("must be positive and at most 00:10:00 (was 00:11:40)");
        await Expect(form).ToContainTextAsync("Must be from 0.0625 (64 KiB) to 1024 MiB (was 2000 MiB).");
        await Expect(page.GetByTestId("change-preview")).ToHaveCountAsync(0);

        await page.GetByTestId("field-preStart.timeout").FillAsync("20");
        await page.GetByTestId("field-logs.maxFileBytes").FillAsync("10");
        await page.GetByTestId("definition-review").ClickAsync();
        await Expect(page.GetByTestId("field-preStart.executable")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(form).ToContainTextAsync("must be a full path without '.' or '..' parts to be allowed from the control plane (was 'migrate')");
        await Expect(page.GetByTestId("field-preStart.timeout")).Not.ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByTestId("field-preStart.executable").FillAsync("/opt/web/migrate");
        await page.GetByTestId("field-preStart.arguments").FillAsync("--wait\n--verbose");
        var priority = page.GetByRole(AriaRole.Combobox, new() { Name = "Priority" });
        await priority.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = ProcessPriorities.High, Exact = true }).ClickAsync();

        // As a user would: review once the choice shows (the select takes it in a round trip of its own).
        await Expect(priority).ToHaveValueAsync(ProcessPriorities.High);
        await page.GetByTestId("definition-review").ClickAsync();

        var preview = page.GetByTestId("change-preview");
        await Expect(preview).ToContainTextAsync("Review: Add web");
        await Expect(preview.GetByTestId("change-field").Filter(new() { HasText = "preStart.executable" })).ToContainTextAsync("/opt/web/migrate");
        await Expect(preview.GetByTestId("change-field").Filter(new() { HasText = "priority" })).ToContainTextAsync(ProcessPriorities.High);
        await page.GetByTestId("change-save").ClickAsync();
        await Expect(page.GetByTestId("desired-version")).ToHaveTextAsync("configuration v1");

        using var http = controlPlane.CreateHttpClient();
        var configuration = await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/nodes/{agent.NodeId}/configuration", UriKind.Relative), TestContext.Current.CancellationToken);
        var stored = Assert.Single(configuration.GetProperty("services").EnumerateArray());
        Assert.Equal(ProcessPriorities.High, stored.GetProperty("priority").GetString());
        var hook = stored.GetProperty("preStart");
        Assert.Equal("/opt/web/migrate", hook.GetProperty("executable").GetString());
        Assert.Equal(["--wait", "--verbose"], hook.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("00:00:20", hook.GetProperty("timeout").GetString());
        Assert.False(stored.TryGetProperty("postStart", out var postStart) && postStart.ValueKind != JsonValueKind.Null, "no PostStart hook was set");
    }
}

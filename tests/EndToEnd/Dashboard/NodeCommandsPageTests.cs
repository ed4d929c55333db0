using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>An operator restarts a real service from its node's page, by keyboard, and follows the command to its end, then finds it among all commands.</summary>
public sealed class NodeCommandsPageTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_restart_asked_for_on_the_node_page_is_confirmed_then_shown_until_it_succeeds_and_listed_on_the_commands_page()
    {
        var port = RepositoryLayout.FreePort();
        await using var node = await SupervisedNode.StartAsync("e2e-dash-commands");
        AgentConfigFile.Rewrite(node.ConfigFile, TestServiceProgram.ProcessService("web", port, node.StateFile("web")));
        await node.WaitForHealthAsync("web", "Healthy");
        var nodeId = (await node.Api.NodeAsync(node.NodeName))!.Value.GetProperty("id").GetGuid();
        var startsBefore = TestServiceProgram.ReadState(node.StateFile("web")).Count(s => s.What == "started");
        var dashboard = new Support.Dashboard(browser, node.ControlPlane.Url);

        var page = await dashboard.OpenAsync($"/nodes/{nodeId}");
        var web = page.Locator("tr", new() { Has = page.GetByTestId("service-name").GetByText("web", new() { Exact = true }) });
        // By keyboard alone: Tab to the service's restart button, Enter, then Tab to the dialog's Restart, Enter.
        await Support.Dashboard.TabToAndPressAsync(page, web.GetByRole(AriaRole.Button, new() { Name = "Restart web" }));
        await Support.Dashboard.TabToAndPressAsync(page, page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Restart", Exact = true }), maxTabs: 10);

        var command = page.GetByTestId("commands-table").GetByTestId("command-row").First;
        await Expect(command.GetByTestId("command-kind")).ToHaveTextAsync("Restart");
        await Expect(command.GetByTestId("command-state")).ToHaveTextAsync("Succeeded", Patience);
        await Eventually.HoldsAsync(
            () => TestServiceProgram.ReadState(node.StateFile("web")).Count(s => s.What == "started") > startsBefore,
            "the service started again");

        var commands = await dashboard.OpenAsync("/commands");
        var listed = commands.GetByTestId("command-row").Filter(new() { Has = commands.GetByTestId("command-service").GetByText("web", new() { Exact = true }) });
        await Expect(listed).ToHaveCountAsync(1);
        await Expect(listed.GetByTestId("command-kind")).ToHaveTextAsync("Restart");
        await Expect(listed.GetByTestId("command-state")).ToHaveTextAsync("Succeeded");
        await Expect(listed).ToContainTextAsync("dashboard");

        var audit = await dashboard.OpenAsync("/audit");
        var entry = audit.Locator("tr", new() { Has = audit.GetByTestId("audit-action").GetByText("command.restart", new() { Exact = true }) });
        await Expect(entry).ToContainTextAsync("admin");
        await Expect(entry).ToContainTextAsync("Succeeded");
    }
}

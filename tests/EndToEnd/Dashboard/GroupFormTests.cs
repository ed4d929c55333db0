using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>A failover group created in the dashboard's form, refused first with the validator's error on its field, then deleted.</summary>
public sealed class GroupFormTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task A_group_is_created_once_its_fields_are_valid_elects_its_member_and_is_deleted()
    {
        await using var node = await SupervisedNode.StartAsync("e2e-dash-groups");
        AgentConfigFile.Rewrite(node.ConfigFile, TestServiceProgram.ProcessService("web", RepositoryLayout.FreePort(), node.StateFile("web")));
        await node.WaitForHealthAsync("web", "Healthy");
        var dashboard = new Support.Dashboard(browser, node.ControlPlane.Url);

        var page = await dashboard.OpenAsync("/groups");
        await page.GetByTestId("new-group").ClickAsync();
        await page.GetByTestId("group-name").FillAsync("not a name!");
        await ChooseAsync(page, "Member 1 node", node.NodeName);
        await ChooseAsync(page, "Member 1 service", "web");
        await page.GetByTestId("field-policy.cooldownSeconds").FillAsync("-5");
        await page.GetByTestId("group-save").ClickAsync();

        var form = page.GetByTestId("group-form");
        await Expect(form).ToContainTextAsync("must be 1 to 64 letters, digits");
        await Expect(form).ToContainTextAsync("must be from 0 to 86400");
        await Expect(page.GetByTestId("group-name")).ToHaveAttributeAsync("aria-invalid", "true");

        await page.GetByTestId("group-name").FillAsync("web-group");
        await page.GetByTestId("field-policy.cooldownSeconds").FillAsync("30");
        await page.GetByTestId("group-save").ClickAsync();
        await Expect(page.GetByTestId("group-title")).ToHaveTextAsync("web-group");
        await Expect(page.GetByTestId("group-active")).ToHaveTextAsync($"Active on {node.NodeName}", Patience);
        await Expect(page.GetByTestId("group-policy")).ToContainTextAsync("cooldown 30 s");

        await page.GetByTestId("delete-group").ClickAsync();
        await Support.Dashboard.ConfirmAsync(page, "Delete");
        await page.WaitForURLAsync(new Uri(node.ControlPlane.Url, "/groups").ToString());
        await Expect(page.GetByTestId("group-row")).ToHaveCountAsync(0);
    }

    private static async Task ChooseAsync(IPage page, string field, string option)
    {
        await page.GetByRole(AriaRole.Combobox, new() { Name = field }).ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true }).ClickAsync();
    }
}

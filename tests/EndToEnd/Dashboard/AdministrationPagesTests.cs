using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>The Users, API keys and Audit log pages in Chromium, as a signed-in admin uses them.</summary>
public sealed class AdministrationPagesTests(Browser browser)
{
    [Fact]
    public async Task An_admin_adds_a_user_and_a_key_sees_each_secret_once_revokes_the_key_and_finds_it_all_in_the_audit_log()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var page = await browser.NewSignedInPageAsync(controlPlane.Url);

        await page.GotoAsync(new Uri(controlPlane.Url, "/admin/users").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Users", Exact = true })).ToBeVisibleAsync();
        await CreateAsync(page, "User name", "pat", "Create user");
        var password = await page.GetByTestId("one-time-secret").GetByRole(AriaRole.Textbox).InputValueAsync();
        Assert.True(password.Length >= 20, $"generated password '{password.Length}' characters long");
        await Expect(page.GetByTestId("user-name").GetByText("pat", new() { Exact = true })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "I have copied it" }).ClickAsync();
        await Expect(page.GetByTestId("one-time-secret")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(controlPlane.Url, "/admin/api-keys").ToString());
        await CreateAsync(page, "Name", "e2e-script", "Create key");
        var key = await page.GetByTestId("one-time-secret").GetByRole(AriaRole.Textbox).InputValueAsync();
        Assert.StartsWith("vk_", key, StringComparison.Ordinal);
        var keyRow = page.Locator("tr", new() { Has = page.GetByTestId("key-name").GetByText("e2e-script", new() { Exact = true }) });
        await Expect(keyRow.GetByTestId("key-state")).ToHaveTextAsync("Active");
        var api = await page.APIRequest.GetAsync(new Uri(controlPlane.Url, "/api/v1/nodes").ToString(), new() { Headers = new Dictionary<string, string> { ["X-API-Key"] = key } });
        Assert.Equal(200, api.Status);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the key e2e-script" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.GetByTestId("key-name").GetByText("e2e-script", new() { Exact = true })).ToHaveCountAsync(0);
        var refused = await page.APIRequest.GetAsync(new Uri(controlPlane.Url, "/api/v1/nodes").ToString(), new() { Headers = new Dictionary<string, string> { ["X-API-Key"] = key } });
        Assert.Equal(401, refused.Status);
        Assert.DoesNotContain(key, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GotoAsync(new Uri(controlPlane.Url, "/audit").ToString());
        await FilterAsync(page, "Actor", "admin", "^/api/v1/audit\\.csv\\?actor=admin$");
        var actions = page.GetByTestId("audit-action");
        await Expect(actions.GetByText("RevokeApiKey", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(actions.GetByText("CreateApiKey", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(actions.GetByText("CreateUser", new() { Exact = true })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("audit-actor").GetByText("admin", new() { Exact = true }).First).ToBeVisibleAsync();
        Assert.All(await page.GetByTestId("audit-actor").AllInnerTextsAsync(), actor => Assert.Equal("admin", actor));
        var export = await page.APIRequest.GetAsync(new Uri(controlPlane.Url, "/api/v1/audit.csv?actor=admin").ToString());
        var csv = await export.TextAsync();
        Assert.Contains(",admin,CreateUser,", csv, StringComparison.Ordinal);
        Assert.DoesNotContain(password, csv, StringComparison.Ordinal);
        Assert.DoesNotContain(key, csv, StringComparison.Ordinal);
    }

    /// <summary>Types a filter, retrying until the page is interactive and the export link carries it.</summary>
    private static async Task FilterAsync(IPage page, string label, string value, string exportLink)
    {
        var export = page.GetByTestId("audit-export");
        for (var attempt = 0; attempt < 20 && !Regex.IsMatch(await export.GetAttributeAsync("href") ?? "", exportLink); attempt++)
        {
            await page.GetByLabel(label, new() { Exact = true }).FillAsync(value);
            try
            {
                await Expect(export).ToHaveAttributeAsync("href", new Regex(exportLink), new() { Timeout = 1_000 });
            }
            catch (PlaywrightException)
            {
                // The circuit was not connected yet: the value never reached the server; type it again.
            }
        }

        await Expect(export).ToHaveAttributeAsync("href", new Regex(exportLink));
    }

    /// <summary>Fills the create form's name field (found by its label) and submits it, retrying until the page is interactive and shows the one-time secret.</summary>
    private static async Task CreateAsync(IPage page, string nameLabel, string name, string button)
    {
        var secret = page.GetByTestId("one-time-secret");
        for (var attempt = 0; attempt < 20 && await secret.CountAsync() == 0; attempt++)
        {
            await page.GetByLabel(nameLabel, new() { Exact = true }).FillAsync(name);
            await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
            try
            {
                await secret.WaitForAsync(new() { Timeout = 1_000 });
            }
            catch (TimeoutException)
            {
                // The circuit was not connected yet: the click did nothing; try again.
            }
        }

        await Expect(secret).ToBeVisibleAsync();
    }
}

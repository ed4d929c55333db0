using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.ControlPlane;

/// <summary>An admin who lost its password (and locked itself out guessing) gets back in from the control plane's console.</summary>
public sealed class AdminPasswordResetTests(Browser browser)
{
    [Fact]
    public async Task A_locked_out_admin_gets_a_new_one_time_password_from_the_console_while_the_control_plane_runs()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var page = await browser.NewPageAsync();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await FailToSignInAsync(page, controlPlane.Url, "a guessed password");
        }

        await FailToSignInAsync(page, controlPlane.Url, RunningControlPlane.AdminPassword);
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("This account is locked");

        await using var reset = Reset(controlPlane.DataDirectory);
        Assert.True(await reset.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, reset.Output);
        var password = LogFiles.OneTimePassword().Match(reset.Output).Groups[1].Value;
        Assert.True(password.Length >= 12, reset.Output);

        await FailToSignInAsync(page, controlPlane.Url, RunningControlPlane.AdminPassword);
        await Expect(page.GetByTestId("login-error")).ToContainTextAsync("Wrong user name or password");
        await Browser.SignInAsync(page, controlPlane.Url, "admin", password);
        await Expect(page).ToHaveURLAsync(new Regex("/account/password"));

        using var http = controlPlane.CreateHttpClient();
        var audit = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/audit?action=ResetUserPassword", UriKind.Relative), TestContext.Current.CancellationToken);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal("console", entry.GetProperty("actor").GetString());
        Assert.Equal("user/admin", entry.GetProperty("target").GetString());
        Assert.DoesNotContain(password, audit.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(password, LogFiles.ReadAll(controlPlane.DataDirectory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_reset_refuses_an_unknown_user_a_non_admin_and_a_database_never_started_saying_why()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var http = controlPlane.CreateHttpClient();
        using var created = await http.PostAsJsonAsync(new Uri("/api/v1/users", UriKind.Relative), new { userName = "watcher", role = "Viewer" }, TestContext.Current.CancellationToken);
        created.EnsureSuccessStatusCode();

        await using var unknown = Reset(controlPlane.DataDirectory, "nobody");
        Assert.Equal(1, await unknown.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(unknown.OutputContains("There is no user 'nobody'. Admins: admin."), unknown.Output);

        await using var viewer = Reset(controlPlane.DataDirectory, "watcher");
        Assert.Equal(1, await viewer.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(viewer.OutputContains("'watcher' is not an admin"), viewer.Output);

        await using var empty = Reset(RepositoryLayout.NewTemporaryDirectory("e2e-reset-empty"));
        Assert.Equal(1, await empty.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(empty.OutputContains("Start the control plane once"), empty.Output);
        Assert.DoesNotMatch(LogFiles.OneTimePassword(), unknown.Output + viewer.Output + empty.Output);
    }

    private static ProductProcess Reset(string dataDirectory, params string[] user) =>
        ProductProcess.Start("reset-admin-password", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DataDirectory"] = dataDirectory,
        }, ["reset-admin-password", .. user]);

    private static async Task FailToSignInAsync(IPage page, Uri controlPlane, string password)
    {
        await page.GotoAsync(new Uri(controlPlane, "/account/login").ToString());
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToBeVisibleAsync();
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>A new installation as its operator meets it: the first admin's one-time password, printed once, then a password of their own.</summary>
public sealed class FirstSignInTests(Browser browser)
{
    [Fact]
    public async Task The_first_admin_signs_in_with_the_printed_password_and_must_choose_a_new_one()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync(configuredAdminPassword: false);
        await Eventually.HoldsAsync(() => LogFiles.OneTimePassword().IsMatch(controlPlane.Process.Output), "the one-time password is printed");
        var password = LogFiles.OneTimePassword().Match(controlPlane.Process.Output).Groups[1].Value;
        var page = await browser.NewPageAsync();

        await Browser.SignInAsync(page, controlPlane.Url, "admin", password);
        await Expect(page).ToHaveURLAsync(new Regex("/account/password"));
        await page.GotoAsync(new Uri(controlPlane.Url, "/nodes").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/account/password"));

        await page.GetByLabel("Current password").FillAsync(password);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("my own admin password");
        await page.GetByLabel("New password again").FillAsync("my own admin password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("admin");
        await page.GotoAsync(new Uri(controlPlane.Url, "/nodes").ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/nodes$"));

        // The password is printed once, on the console: never in a log file, and not again at the next start.
        Assert.DoesNotContain(password, LogFiles.ReadAll(controlPlane.DataDirectory), StringComparison.Ordinal);
        await controlPlane.RestartAsync();
        Assert.DoesNotMatch(LogFiles.OneTimePassword(), controlPlane.Process.Output);

        // The old password no longer works; the new one does, after the restart.
        var again = await browser.NewPageAsync();
        await again.GotoAsync(new Uri(controlPlane.Url, "/account/login").ToString());
        await again.GetByLabel("User name").FillAsync("admin");
        await again.GetByLabel("Password").FillAsync(password);
        await again.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(again.GetByTestId("login-error")).ToContainTextAsync("Wrong user name or password");
        await Browser.SignInAsync(again, controlPlane.Url, "admin", "my own admin password");
        await Expect(again.GetByTestId("signed-in-user")).ToContainTextAsync("admin");
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var page = await browser.NewSignedInPageAsync(controlPlane.Url);

        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        await page.GotoAsync(new Uri(controlPlane.Url, "/nodes").ToString());

        await Expect(page).ToHaveURLAsync(new Regex("/account/login"));
        var api = await page.APIRequest.GetAsync(new Uri(controlPlane.Url, "/api/v1/nodes").ToString());
        Assert.Equal(401, api.Status);
    }
}

using Microsoft.Playwright;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Agents;

/// <summary>The admin pages for enrollment tokens and agents, in Chromium, signed in as the first admin.</summary>
public sealed class EnrollmentPagesTests(Browser browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patience = new() { Timeout = 30_000 };

    [Fact]
    public async Task An_admin_creates_a_token_that_enrols_an_agent_then_revokes_the_agent()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        var page = await browser.NewSignedInPageAsync(controlPlane.Url);
        await page.GotoAsync(new Uri(controlPlane.Url, "/admin/enrollment-tokens").ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Enrollment tokens", Level = 1 })).ToBeVisibleAsync();

        // The first click may come before the page's circuit is connected: try again until the token shows.
        var shown = page.GetByTestId("created-token");
        await Eventually.HoldsAsync(
            async () =>
            {
                await page.GetByLabel("Name", new() { Exact = true }).FillAsync("browser token");
                await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
                return await shown.IsVisibleAsync();
            },
            "the new token is shown",
            TimeSpan.FromSeconds(30));
        var token = await page.GetByLabel("Enrollment token", new() { Exact = true }).InputValueAsync();
        Assert.StartsWith("vet_", token, StringComparison.Ordinal);
        await Expect(page.GetByTestId("token-state").First).ToHaveTextAsync("Active", Patience);

        var nodeId = Guid.NewGuid();
        var enrolled = await TestAgentConnection.EnrollAsync(controlPlane.Url, token, nodeId, "browser-node");
        Assert.True(enrolled.Enrolled);

        await page.GotoAsync(new Uri(controlPlane.Url, "/admin/agents").ToString());
        await Support.Dashboard.WaitUntilInteractiveAsync(page);
        var state = page.Locator("tr", new() { Has = page.GetByTestId("agent-node").GetByText("browser-node", new() { Exact = true }) }).GetByTestId("agent-state");
        await Expect(state).ToHaveTextAsync("Approved", Patience);
        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke the agent of browser-node" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(state).ToHaveTextAsync("Revoked", Patience);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TestAgentConnection.ConnectWithCredentialAsync(controlPlane.Url, enrolled.Credential, nodeId));
        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
    }
}

using Microsoft.Playwright;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// Opens the dashboard's pages in Chromium, each in a fresh browser context, and hands them over once
/// they are interactive (the first paint is static; clicks count only after the circuit is up).
/// Every dashboard test opens its pages here.
/// </summary>
public sealed class Dashboard(Browser browser, Uri controlPlane)
{
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(controlPlane, path).ToString());
        await page.Locator("[data-dashboard-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
        return page;
    }

    /// <summary>Answers the open confirmation dialog with its button named <paramref name="answer"/>.</summary>
    public static Task ConfirmAsync(IPage page, string answer) =>
        page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = answer, Exact = true }).ClickAsync();
}

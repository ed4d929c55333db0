using Microsoft.Playwright;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// Opens the dashboard's pages in Chromium, each in a fresh, signed-in browser context, and hands them over once
/// they are interactive (the first paint is static; clicks count only after the circuit is up).
/// Every dashboard test opens its pages here.
/// </summary>
public sealed class Dashboard(Browser browser, Uri controlPlane, string userName = "admin", string password = RunningControlPlane.AdminPassword)
{
    /// <summary>Signs in (as the first admin unless told otherwise) in a fresh context, then opens <paramref name="path"/>.</summary>
    public async Task<IPage> OpenAsync(string path)
    {
        var page = await browser.NewSignedInPageAsync(controlPlane, userName, password);
        await page.GotoAsync(new Uri(controlPlane, path).ToString());
        await WaitUntilInteractiveAsync(page);
        return page;
    }

    /// <summary>Waits until the page's circuit is up: before that, the first paint is static and clicks do nothing.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-dashboard-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });

    /// <summary>Moves the focus with the Tab key, as a keyboard user would, until it is on <paramref name="target"/>, then presses Enter.</summary>
    public static async Task TabToAndPressAsync(IPage page, ILocator target, int maxTabs = 100)
    {
        await target.WaitForAsync();
        for (var tabs = 0; tabs < maxTabs; tabs++)
        {
            await page.Keyboard.PressAsync("Tab");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                await page.Keyboard.PressAsync("Enter");
                return;
            }
        }

        throw new InvalidOperationException($"{maxTabs} presses of Tab never reached {target}.");
    }

    /// <summary>Answers the open confirmation dialog with its button named <paramref name="answer"/>.</summary>
    public static Task ConfirmAsync(IPage page, string answer) =>
        page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = answer, Exact = true }).ClickAsync();
}

using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download), shared by every test of the
/// assembly. The flags keep Chromium from reaching out to the network, which is closed here.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} not found. Run ./test.sh, which installs it, or apt-get install chromium.");
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
            ],
        });
    }

    /// <summary>
    /// The browser contexts each running test opened, by the test's id: closed when the test ends
    /// (<see cref="ClosesBrowserContextsAttribute"/>). Left open, the page of a control plane that has
    /// stopped keeps trying to reconnect its circuit, and dozens of them load the machine.
    /// </summary>
    private static readonly ConcurrentDictionary<string, ConcurrentBag<IBrowserContext>> OpenContexts = new();

    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser!.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        OpenContexts.GetOrAdd(TestContext.Current.Test?.UniqueID ?? "", _ => []).Add(context);
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    /// <summary>Closes the contexts the test <paramref name="testId"/> opened.</summary>
    public static async Task CloseContextsOfAsync(string testId)
    {
        if (OpenContexts.TryRemove(testId, out var contexts))
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>A page of its own browser context (its own cookies) signed in to the dashboard at <paramref name="controlPlane"/>.</summary>
    public async Task<IPage> NewSignedInPageAsync(Uri controlPlane, string userName = "admin", string password = RunningControlPlane.AdminPassword)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, controlPlane, userName, password);
        return page;
    }

    /// <summary>Signs in through the sign-in form, as a person would, and waits until the dashboard shows the user.</summary>
    public static async Task SignInAsync(IPage page, Uri controlPlane, string userName, string password)
    {
        await page.GotoAsync(new Uri(controlPlane, "/account/login").ToString());
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

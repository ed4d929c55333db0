using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;
using static Microsoft.Playwright.Assertions;

namespace Vigil.EndToEnd.Tests.Dashboard;

/// <summary>
/// A <c>windows</c> service defined on the page of a Windows node is chosen from the services its
/// agent listed when it registered (a real SignalR client speaking for the node), searched by display name.
/// </summary>
public sealed class InstalledServicesPickerTests(Browser browser)
{
    [Fact]
    public async Task The_service_form_offers_the_nodes_installed_windows_services_by_display_name()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        await using var agent = await TestAgentConnection.ConnectAsync(controlPlane.Url, RunningControlPlane.EnrollmentToken, nodeName: "win-web-01");
        await agent.RegisterAsync(agent.Registration() with
        {
            OperatingSystem = "Microsoft Windows 10.0.20348",
            InstalledServices =
            [
                new() { Name = "Spooler", DisplayName = "Print Spooler" },
                new() { Name = "W3SVC", DisplayName = "World Wide Web Publishing Service" },
                new() { Name = "WAS", DisplayName = "Windows Process Activation Service" },
            ],
        });
        var page = await new Support.Dashboard(browser, controlPlane.Url).OpenAsync($"/nodes/{agent.NodeId}");

        await page.GetByTestId("add-service").ClickAsync();
        await page.GetByTestId("definition-name").FillAsync("iis");
        await page.GetByText("Windows service (installed on the node)").ClickAsync();
        await Expect(page.GetByTestId("definition-form")).ToContainTextAsync("One of the 3 services installed on the node");
        await page.GetByTestId("definition-service-name").PressSequentiallyAsync("web pub");
        await page.GetByText("W3SVC — World Wide Web Publishing Service").ClickAsync();
        await Expect(page.GetByTestId("definition-service-name")).ToHaveValueAsync("W3SVC");
        await page.GetByTestId("definition-review").ClickAsync();

        var preview = page.GetByTestId("change-preview");
        await Expect(preview).ToContainTextAsync("Review: Add iis");
        await Expect(preview.GetByTestId("change-field").Filter(new() { HasText = "serviceName" })).ToContainTextAsync("W3SVC");
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Alerts;

/// <summary>A real agent's service spends its restart budget; the alert reaches a real SMTP server and a real webhook receiver.</summary>
public sealed class AlertDeliveryEndToEndTests
{
    private static readonly string[] Recipients = ["ops@example.com"];

    [Fact]
    public async Task A_service_that_spends_its_restart_budget_reaches_the_mailbox_and_the_webhook_with_what_where_and_what_was_done()
    {
        await using var smtp = SmtpReceiver.Start("vigil-mail", "mail-password-0123456789");
        using var webhook = new WebhookSink(RepositoryLayout.FreePort());
        await using var node = await SupervisedNode.StartAsync("e2e-alert-mail");
        using var api = node.ControlPlane.CreateHttpClient();
        var mail = await CreateAsync(api, "/api/v1/alert-channels", new
        {
            name = "ops mail",
            kind = "Email",
            settings = new
            {
                smtpHost = "127.0.0.1",
                smtpPort = smtp.Port,
                userName = "vigil-mail",
                from = "vigil@example.com",
                to = Recipients,
                certificateThumbprint = smtp.Thumbprint,
            },
            secrets = new { password = "mail-password-0123456789" },
        });
        var hook = await CreateAsync(api, "/api/v1/alert-channels", new { name = "ops hook", kind = "Webhook", settings = new { url = webhook.Url.ToString() } });
        await CreateAsync(api, "/api/v1/alert-rules", new { name = "services that gave up", condition = "ServiceFailed", severity = "Critical", channels = new[] { mail, hook } });

        var looping = TestServiceProgram.ProcessService("web", RepositoryLayout.FreePort(), node.StateFile("web"), "--exit-after", "0.8", "--exit-code", "2");
        looping["Restart"] = new { InitialDelay = "00:00:00.200", MaxRestarts = 1 };
        AgentConfigFile.Rewrite(node.ConfigFile, looping);
        await node.WaitForHealthAsync("web", "Failed");
        await Eventually.HoldsAsync(() => smtp.Received.Count > 0 && webhook.Received.Count > 0, "the mail and the webhook arrive", TimeSpan.FromSeconds(30));

        var alert = Assert.Single(webhook.Received).Document.GetProperty("alert");
        Assert.Equal("Fired", Assert.Single(webhook.Received).Document.GetProperty("notification").GetString());
        Assert.Equal("services that gave up", alert.GetProperty("rule").GetString());
        Assert.Equal("Critical", alert.GetProperty("severity").GetString());
        Assert.Equal("e2e-alert-mail", alert.GetProperty("node").GetString());
        Assert.Equal("web", alert.GetProperty("service").GetString());
        Assert.Contains("Failed", alert.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(alert.GetProperty("action").GetString()));

        var received = Assert.Single(smtp.Received);
        Assert.True(received.OverTls);
        Assert.Equal("vigil-mail", received.AuthenticatedAs);
        Assert.Equal(["ops@example.com"], received.To);
        Assert.Contains("[FIRING] Critical: services that gave up", received.Message.Subject, StringComparison.Ordinal);
        Assert.Contains("service web on node e2e-alert-mail", received.Message.Subject, StringComparison.Ordinal);
        Assert.Equal(alert.GetProperty("id").GetString(), received.Message.Headers["X-Vigil-Alert"]);
    }

    private static async Task<Guid> CreateAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(new Uri(path, UriKind.Relative), body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid();
    }
}

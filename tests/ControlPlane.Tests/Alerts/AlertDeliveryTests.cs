using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Alerts.Delivery;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using Answer = Vigil.ControlPlane.Tests.Support.WebhookReceiver.Answer;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>Deliveries stored by the real control plane reach real receivers: a Kestrel webhook receiver and an SMTP server.</summary>
public sealed class AlertDeliveryTests : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Alerts:DashboardUrl"] = "https://vigil.example.com",
        ["Alerts:Delivery:FirstRetryDelay"] = "00:00:00.050",
        ["Alerts:Delivery:MaxRetryDelay"] = "00:00:00.200",
        ["Alerts:Delivery:Timeout"] = "00:00:05",
        ["Alerts:Delivery:MaxAttempts"] = "5",
        ["Alerts:Delivery:SweepInterval"] = "00:00:00.500",
    };

    private const string Secret = "webhook-signing-secret";

    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(_database, Settings);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_webhook_reaches_a_real_receiver_that_verifies_its_signature_and_timestamp()
    {
        await using var receiver = await WebhookReceiver.StartAsync(request => Verified(request) ? Answer.Ok : new Answer(401, "bad signature"));
        var channel = await WebhookChannelAsync(receiver.Url);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Sent, 1, null), (delivery.State, delivery.Attempts, delivery.LastError));
        var request = Assert.Single(receiver.Received);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("secret-of-the-receiver", request.Headers["X-Receiver-Key"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("Fired", (string?)body["notification"]);
        Assert.Equal("firing", (string?)body["alert"]!["state"]);
        Assert.Equal("web-1", (string?)body["alert"]!["node"]);
        Assert.Equal("api", (string?)body["alert"]!["service"]);
        Assert.Equal("Critical", (string?)body["alert"]!["severity"]);
        Assert.Equal($"https://vigil.example.com/alerts/{delivery.AlertId}", (string?)body["link"]);
    }

    [Fact]
    public async Task A_receiver_that_fails_twice_with_500_gets_the_alert_once_after_three_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(request => request.Number <= 2 ? new Answer(500, "database busy") : Answer.Ok);
        var channel = await WebhookChannelAsync(receiver.Url);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Sent, 3), (delivery.State, delivery.Attempts));
        Assert.Equal(3, receiver.Received.Count);
        Assert.Single(receiver.Received, r => r.Number == 3);
        Assert.Equal("the receiver answered HTTP 500: database busy", delivery.LastError);
        Assert.NotNull(delivery.DeliveredAt);
        Assert.All(receiver.Received, r => Assert.True(Verified(r)));
    }

    [Fact]
    public async Task A_receiver_that_hangs_is_timed_out_and_the_next_attempt_delivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync(request => request.Number == 1 ? Answer.Hang : Answer.Ok);
        var channel = await WebhookChannelAsync(receiver.Url);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Sent, 2), (delivery.State, delivery.Attempts));
        Assert.Equal("the receiver did not answer within 00:00:05", delivery.LastError);
    }

    [Fact]
    public async Task A_receiver_that_refuses_the_message_with_a_client_error_is_not_tried_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => new Answer(410, "this hook was removed"));
        var channel = await WebhookChannelAsync(receiver.Url);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Failed, 1), (delivery.State, delivery.Attempts));
        Assert.Equal("the receiver answered HTTP 410: this hook was removed", delivery.LastError);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_delivery_to_a_channel_that_does_not_exist_fails_with_a_reason()
    {
        var delivery = await DeliverAsync(Guid.NewGuid());

        Assert.Equal(AlertDeliveryState.Failed, delivery.State);
        Assert.Contains("does not exist", delivery.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_reaches_a_real_smtp_server_over_starttls_with_authentication()
    {
        await using var smtp = SmtpReceiver.Start("vigil", "smtp-password");
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel,
            "operators by mail",
            AlertChannelKind.Email,
            new AlertChannelSettings
            {
                SmtpHost = "127.0.0.1",
                SmtpPort = smtp.Port,
                Security = SmtpSecurity.StartTls,
                UserName = "vigil",
                CertificateThumbprint = smtp.Thumbprint,
                From = "vigil@example.com",
                To = ["ops@example.com", "oncall@example.com"],
            },
            new AlertChannelSecrets { Password = "smtp-password" },
            TestContext.Current.CancellationToken);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Sent, 1), (delivery.State, delivery.Attempts));
        var mail = Assert.Single(smtp.Received);
        Assert.True(mail.OverTls);
        Assert.Equal("vigil", mail.AuthenticatedAs);
        Assert.Equal("vigil@example.com", mail.From);
        Assert.Equal(["ops@example.com", "oncall@example.com"], mail.To);
        Assert.Equal("[FIRING] Critical: services that gave up — service api on node web-1", mail.Message.Subject);
        Assert.Contains("service api on node web-1 is Failed: api is Stopped", mail.Message.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Open in Vigil: https://vigil.example.com/alerts/{delivery.AlertId}", mail.Message.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Email_with_a_wrong_password_fails_at_once_naming_the_account()
    {
        await using var smtp = SmtpReceiver.Start("vigil", "smtp-password");
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel,
            "operators by mail",
            AlertChannelKind.Email,
            new AlertChannelSettings
            {
                SmtpHost = "127.0.0.1",
                SmtpPort = smtp.Port,
                Security = SmtpSecurity.StartTls,
                UserName = "vigil",
                CertificateThumbprint = smtp.Thumbprint,
                From = "vigil@example.com",
                To = ["ops@example.com"],
            },
            new AlertChannelSecrets { Password = "not-the-password" },
            TestContext.Current.CancellationToken);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Failed, 1), (delivery.State, delivery.Attempts));
        Assert.Contains("did not accept the account vigil", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task DingTalk_gets_markdown_at_a_signed_address_its_robot_verifies()
    {
        const string robotSecret = "SECdingtalk-robot-secret";
        await using var robot = await WebhookReceiver.StartAsync(request =>
            DingTalkSignatureHolds(request, robotSecret)
                ? new Answer(200, """{"errcode":0,"errmsg":"ok"}""")
                : new Answer(200, """{"errcode":310000,"errmsg":"sign not match"}"""));
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel,
            "on-call group",
            AlertChannelKind.DingTalk,
            new AlertChannelSettings { Url = robot.Url + "?access_token=robot-token", Keyword = "Vigil" },
            new AlertChannelSecrets { SigningSecret = robotSecret },
            TestContext.Current.CancellationToken);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Sent, 1), (delivery.State, delivery.Attempts));
        var request = Assert.Single(robot.Received);
        Assert.Equal("robot-token", request.Query["access_token"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal("markdown", (string?)body["msgtype"]);
        Assert.Contains("**Node**: web-1", (string)body["markdown"]!["text"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_robot_that_refuses_the_signature_fails_the_delivery_with_its_error_code()
    {
        await using var robot = await WebhookReceiver.StartAsync(_ => new Answer(200, """{"errcode":310000,"errmsg":"sign not match"}"""));
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel, "on-call group", AlertChannelKind.DingTalk, new AlertChannelSettings { Url = robot.Url.ToString() }, null, TestContext.Current.CancellationToken);

        var delivery = await DeliverAsync(channel);

        Assert.Equal((AlertDeliveryState.Failed, 1), (delivery.State, delivery.Attempts));
        Assert.Equal("the receiver refused the message (310000): sign not match", delivery.LastError);
    }

    [Theory]
    [InlineData(AlertChannelKind.Slack, "blocks")]
    [InlineData(AlertChannelKind.Teams, "attachments")]
    [InlineData(AlertChannelKind.WeCom, "markdown")]
    public async Task Chat_webhooks_get_their_own_format(AlertChannelKind kind, string property)
    {
        await using var chat = await WebhookReceiver.StartAsync(_ => kind == AlertChannelKind.WeCom ? new Answer(200, """{"errcode":0,"errmsg":"ok"}""") : kind == AlertChannelKind.Teams ? new Answer(202) : Answer.Ok);
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel, $"{kind} room", kind, new AlertChannelSettings { Url = chat.Url.ToString() }, null, TestContext.Current.CancellationToken);

        var delivery = await DeliverAsync(channel);

        Assert.Equal(AlertDeliveryState.Sent, delivery.State);
        Assert.NotNull(JsonNode.Parse(Assert.Single(chat.Received).Body)![property]);
    }

    /// <summary>What a receiver does with the documented headers: recompute the HMAC, compare in constant time, refuse an old timestamp.</summary>
    public static bool Verified(ReceivedRequest request, string secret = Secret)
    {
        if (!request.Headers.TryGetValue("X-Vigil-Timestamp", out var timestamp)
            || !request.Headers.TryGetValue("X-Vigil-Signature", out var signature)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) > 300)
        {
            return false;
        }

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }

    private static bool DingTalkSignatureHolds(ReceivedRequest request, string secret)
    {
        if (!request.Query.TryGetValue("timestamp", out var timestamp) || !request.Query.TryGetValue("sign", out var sign))
        {
            return false;
        }

        var expected = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}\n{secret}")));
        return sign == expected;
    }

    private async Task<Guid> WebhookChannelAsync(Uri url)
    {
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel,
            $"hook {channel}",
            AlertChannelKind.Webhook,
            new AlertChannelSettings { Url = url.ToString(), Headers = new Dictionary<string, string> { ["X-Receiver-Key"] = "secret-of-the-receiver" } },
            new AlertChannelSecrets { SigningSecret = Secret },
            TestContext.Current.CancellationToken);
        return channel;
    }

    /// <summary>Stores a fired alert with one delivery to <paramref name="channel"/> as the evaluator does, and waits until it is Sent or Failed.</summary>
    private async Task<AlertDelivery> DeliverAsync(Guid channel)
    {
        var id = await Deliveries.StoreAsync(_host, channel);
        return await Deliveries.SettledAsync(_host, id);
    }
}

/// <summary>Deliveries as the evaluator stores them, and waiting for them to settle.</summary>
public static class Deliveries
{
    /// <param name="queued">False: the row is stored but no job is created, as when the enqueue failed.</param>
    public static async Task<Guid> StoreAsync(ControlPlaneHost host, Guid channel, bool queued = true)
    {
        var alert = AlertChannelFormatTests.Message() is var message
            ? new Alert
            {
                Id = Guid.CreateVersion7(),
                RuleId = Guid.NewGuid(),
                RuleName = message.RuleName,
                Condition = AlertCondition.ServiceFailed,
                Severity = message.Severity,
                Target = message.Target,
                Summary = message.Summary,
                Action = message.Action,
                Since = message.Since,
                FiredAt = message.FiredAt,
                LastOccurredAt = message.FiredAt,
            }
            : throw new InvalidOperationException();
        var step = new AlertStep(AlertBook.Empty, [alert], [new AlertNotification(alert, NotificationKind.Fired, [channel])]);
        var ids = await host.Get<AlertStore>().SaveAsync(step, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        if (queued)
        {
            Assert.True(host.Get<AlertDeliveryJobs>().Enqueue(ids));
        }

        return Assert.Single(ids);
    }

    public static async Task<AlertDelivery> SettledAsync(ControlPlaneHost host, Guid id)
    {
        AlertDelivery? settled = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var db = await host.OpenDatabaseAsync();
                settled = await db.AlertDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
                return settled.State != AlertDeliveryState.Pending;
            },
            "the delivery is Sent or Failed");
        return settled!;
    }
}

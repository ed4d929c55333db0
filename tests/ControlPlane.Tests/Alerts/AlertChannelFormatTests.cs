using System.Text.Json.Nodes;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Alerts.Channels;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>What each channel's receiver gets, checked against the vendors' documented formats.</summary>
public sealed class AlertChannelFormatTests
{
    private static readonly DateTimeOffset FiredAt = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    public static AlertMessage Message(string? dashboardUrl = "https://vigil.example.com") => AlertMessage.From(
        new Alert
        {
            Id = Guid.Parse("0193a000-0000-7000-8000-000000000001"),
            RuleId = Guid.NewGuid(),
            RuleName = "services that gave up",
            Condition = AlertCondition.ServiceFailed,
            Severity = AlertSeverity.Critical,
            Target = AlertTarget.ServiceOn(Guid.NewGuid(), "web-1", "api"),
            Summary = "service api on node web-1 is Failed: api is Stopped",
            Action = "the agent restarted it 3 times within its restart window, then left it alone",
            Since = FiredAt.AddMinutes(-2),
            FiredAt = FiredAt,
            LastOccurredAt = FiredAt,
        },
        NotificationKind.Fired,
        dashboardUrl);

    [Fact]
    public void A_message_names_the_rule_severity_state_where_when_what_was_done_and_links_to_the_alert()
    {
        var message = Message("https://vigil.example.com/ops/");

        Assert.Equal("[FIRING] Critical: services that gave up — service api on node web-1", message.Title);
        Assert.Equal(new Uri("https://vigil.example.com/ops/alerts/0193a000-0000-7000-8000-000000000001"), message.Link);
        var text = message.PlainText();
        Assert.Contains("Node: web-1", text, StringComparison.Ordinal);
        Assert.Contains("Service: api", text, StringComparison.Ordinal);
        Assert.Contains("Fired: 2026-12-06 12:00:00 UTC", text, StringComparison.Ordinal);
        Assert.Contains("What Vigil did: the agent restarted it 3 times", text, StringComparison.Ordinal);
        Assert.Contains("Open in Vigil: https://vigil.example.com/ops/alerts/", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_dashboard_address_a_message_has_no_link()
    {
        var message = Message(dashboardUrl: null);

        Assert.Null(message.Link);
        Assert.DoesNotContain("Open in Vigil", message.PlainText(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_webhook_signature_is_the_hex_hmac_sha256_of_timestamp_dot_body_keyed_with_the_secret() =>
        // Computed independently: hmac.new(b"webhook-key", b'1733500000.{"a":1}', hashlib.sha256).hexdigest()
        Assert.Equal("sha256=d7826e27c45cff5ee4ab14f1d4b77e1bc9eb25dbe1e6ec0ba779906a161132ec", WebhookSender.Signature("webhook-key", "1733500000", """{"a":1}"""));

    [Fact]
    public void DingTalk_signs_with_the_base64_hmac_of_timestamp_newline_secret_url_encoded_in_the_address()
    {
        // Computed independently, as DingTalk's documentation does it in Python.
        Assert.Equal("eKKev+YDtr7tNaOA19J84fU0UCoNGrEFD08ilLLqLac=", DingTalkSender.Sign("SECtest-secret", "1733500000000"));

        var url = DingTalkSender.SignedUrl(new Uri("https://oapi.dingtalk.com/robot/send?access_token=abc"), "SECtest-secret", DateTimeOffset.FromUnixTimeMilliseconds(1733500000000));

        Assert.Equal("https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1733500000000&sign=eKKev%2BYDtr7tNaOA19J84fU0UCoNGrEFD08ilLLqLac%3D", url.AbsoluteUri);
    }

    [Fact]
    public void DingTalk_gets_markdown_with_the_robots_keyword_when_the_message_lacks_it()
    {
        var body = DingTalkSender.Body(Message(), "Vigil-alert");

        Assert.Equal("markdown", (string?)body["msgtype"]);
        Assert.Equal("[FIRING] Critical: services that gave up — service api on node web-1", (string?)body["markdown"]!["title"]);
        var text = (string)body["markdown"]!["text"]!;
        Assert.StartsWith("### [FIRING] Critical", text, StringComparison.Ordinal);
        Assert.EndsWith("Vigil-alert", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WeCom_gets_markdown_content_within_its_4096_byte_limit()
    {
        var oversized = Message() with { Summary = new string('服', 3_000) };

        var body = WeComSender.Body(oversized);

        Assert.Equal("markdown", (string?)body["msgtype"]);
        var content = (string)body["markdown"]!["content"]!;
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(content) <= WeComSender.MaxContentBytes);
        Assert.StartsWith("### [FIRING]", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Slack_gets_fallback_text_and_blocks_with_a_header_fields_and_a_button_to_the_alert()
    {
        var body = SlackSender.Body(Message() with { Summary = "a <b> & c" });

        Assert.Contains("a &lt;b&gt; &amp; c", (string)body["text"]!, StringComparison.Ordinal);
        var blocks = body["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "section", "actions"], blocks.Select(b => (string)b!["type"]!));
        Assert.Equal("plain_text", (string?)blocks[0]!["text"]!["type"]);
        Assert.Contains("*Node*\nweb-1", blocks[2]!["fields"]!.AsArray().Select(f => (string)f!["text"]!));
        Assert.Equal("https://vigil.example.com/alerts/0193a000-0000-7000-8000-000000000001", (string?)blocks[3]!["elements"]![0]!["url"]);
    }

    [Fact]
    public void Teams_gets_a_message_with_one_adaptive_card_with_facts_and_an_open_url_action()
    {
        var body = TeamsSender.Body(Message());

        Assert.Equal("message", (string?)body["type"]);
        var attachment = body["attachments"]!.AsArray().Single()!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", (string?)attachment["contentType"]);
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", (string?)card["type"]);
        Assert.Equal("1.4", (string?)card["version"]);
        var facts = card["body"]!.AsArray().Single(b => (string?)b!["type"] == "FactSet")!["facts"]!.AsArray();
        Assert.Contains(facts, f => (string?)f!["title"] == "Severity" && (string?)f["value"] == "Critical");
        Assert.Equal("Action.OpenUrl", (string?)card["actions"]![0]!["type"]);
    }

    [Fact]
    public void A_robot_answer_with_a_nonzero_errcode_is_a_refusal_and_its_rate_limit_codes_say_so()
    {
        var limits = new HashSet<long> { 45009 };

        Assert.IsType<Sent>(ChannelPoster.ReadErrorCode("""{"errcode":0,"errmsg":"ok"}""", limits));
        Assert.Equal(new ReceiverRefused("45009", "api freq out of limit", true), ChannelPoster.ReadErrorCode("""{"errcode":45009,"errmsg":"api freq out of limit"}""", limits));
        Assert.Equal(new ReceiverRefused("310000", "sign not match", false), ChannelPoster.ReadErrorCode("""{"errcode":310000,"errmsg":"sign not match"}""", limits));
    }

    [Fact]
    public void A_webhook_document_carries_the_alert_and_the_notification() =>
        Assert.Equal(
            "service api on node web-1 is Failed: api is Stopped",
            (string?)JsonNode.Parse(AlertJson.Write(WebhookSender.Body(Message())))!["alert"]!["summary"]);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using Answer = Vigil.ControlPlane.Tests.Support.WebhookReceiver.Answer;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary><c>/api/v1/alert-rules</c> of the real control plane, and rules made there alerting a real receiver.</summary>
public sealed class AlertRulesApiTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private HttpClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database, AlertDeliveryTests.Settings);
        _admin = _host.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_rule_made_by_an_operator_alerts_a_real_webhook_when_a_node_goes_away_and_again_when_it_is_back()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => Answer.Ok);
        var channel = await ChannelAsync(receiver.Url);
        using var operatorClient = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Operator));
        using var created = await operatorClient.PostAsJsonAsync(
            new Uri("/api/v1/alert-rules", UriKind.Relative),
            new { name = "node away", condition = "NodeSuspect", severity = "Critical", channels = new[] { channel } },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await agent.RegisterAsync(agent.Registration(intervalMs: 500));
        await agent.HeartbeatAsync();
        await agent.DisposeAsync();
        await Eventually.HoldsAsync(() => States(receiver).Contains("firing"), "the webhook was told the node is away");

        await using var back = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken, agent.NodeId);
        await back.RegisterAsync(back.Registration(intervalMs: 500));
        await back.HeartbeatAsync();
        await Eventually.HoldsAsync(() => States(receiver).Contains("resolved"), "the webhook was told the node is back");

        var firing = Body(receiver.Received.First(r => Body(r).GetProperty("alert").GetProperty("state").GetString() == "firing"));
        Assert.Equal("node away", firing.GetProperty("alert").GetProperty("rule").GetString());
        Assert.Equal("Critical", firing.GetProperty("alert").GetProperty("severity").GetString());
        Assert.Equal(agent.NodeName, firing.GetProperty("alert").GetProperty("node").GetString());
    }

    [Fact]
    public async Task A_rule_is_read_back_as_written_replaced_and_deleted()
    {
        var channel = await ChannelAsync(new Uri("http://127.0.0.1:9/hook"));
        var body = new
        {
            name = "memory leak",
            condition = "MetricThreshold",
            scope = new { services = new[] { "Api" }, nodeLabels = new[] { "env=prod" } },
            channels = new[] { channel },
            threshold = new { metric = "ServiceWorkingSetBytes", comparison = "GrowsBy", value = 100_000_000, windowSeconds = 3600 },
            forSeconds = 60,
            repeatIntervalSeconds = 3600,
            escalation = new { afterSeconds = 900, channels = new[] { channel } },
        };
        using var created = await _admin.PostAsJsonAsync(new Uri("/api/v1/alert-rules", UriKind.Relative), body, TestContext.Current.CancellationToken);
        var rule = await created.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        var id = rule.GetProperty("id").GetGuid();

        var read = await _admin.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/alert-rules/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(3600, read.GetProperty("threshold").GetProperty("windowSeconds").GetInt32());
        Assert.Equal("env=prod", read.GetProperty("scope").GetProperty("nodeLabels")[0].GetString());
        Assert.Equal(900, read.GetProperty("escalation").GetProperty("afterSeconds").GetInt32());
        Assert.Equal(900, read.GetProperty("quietPeriodSeconds").GetInt32());
        Assert.True(read.GetProperty("enabled").GetBoolean());

        using var replaced = await _admin.PutAsJsonAsync(new Uri($"/api/v1/alert-rules/{id}", UriKind.Relative), new { name = "node lost", condition = "NodeLost", enabled = false }, TestContext.Current.CancellationToken);
        var changed = await replaced.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal("NodeLost", changed.GetProperty("condition").GetString());
        Assert.False(changed.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, changed.GetProperty("threshold").ValueKind);

        using var deleted = await _admin.DeleteAsync(new Uri($"/api/v1/alert-rules/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        using var gone = await _admin.GetAsync(new Uri($"/api/v1/alert-rules/{id}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("""{"condition":"NodeLost"}""", "name")]
    [InlineData("""{"name":"x"}""", "condition")]
    [InlineData("""{"name":"x","condition":"NodeLost","channels":["0f8fad5b-d9cb-469f-a165-70867728950e"]}""", "channels")]
    [InlineData("""{"name":"x","condition":"MetricThreshold"}""", "threshold")]
    [InlineData("""{"name":"x","condition":"NodeLost","threshold":{"metric":"HostCpuPercent","comparison":"Above","value":90}}""", "threshold")]
    [InlineData("""{"name":"x","condition":"MetricThreshold","threshold":{"metric":"HostCpuPercent","comparison":"GrowsBy","value":5}}""", "threshold.windowSeconds")]
    [InlineData("""{"name":"x","condition":"NodeLost","forSeconds":-1}""", "forSeconds")]
    [InlineData("""{"name":"x","condition":"NodeLost","repeatIntervalSeconds":5}""", "repeatIntervalSeconds")]
    [InlineData("""{"name":"x","condition":"NodeLost","scope":{"nodeLabels":["prod"]}}""", "scope.nodeLabels")]
    [InlineData("""{"name":"x","condition":"NodeLost","escalation":{"afterSeconds":600,"channels":[]}}""", "escalation.channels")]
    public async Task An_invalid_rule_is_refused_naming_the_field(string body, string field)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await _admin.PostAsync(new Uri("/api/v1/alert-rules", UriKind.Relative), content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }

    [Fact]
    public async Task A_second_rule_of_the_same_name_is_refused_and_viewers_may_not_make_rules()
    {
        using var first = await _admin.PostAsJsonAsync(new Uri("/api/v1/alert-rules", UriKind.Relative), new { name = "lost", condition = "NodeLost" }, TestContext.Current.CancellationToken);
        using var second = await _admin.PostAsJsonAsync(new Uri("/api/v1/alert-rules", UriKind.Relative), new { name = "LOST", condition = "NodeSuspect" }, TestContext.Current.CancellationToken);
        using var viewer = _host.CreateHttpClient(await ApiKeys.AddAsync(_host, VigilRoles.Viewer));
        using var refused = await viewer.PostAsJsonAsync(new Uri("/api/v1/alert-rules", UriKind.Relative), new { name = "mine", condition = "NodeLost" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);
        Assert.Contains("another rule", await second.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    private async Task<Guid> ChannelAsync(Uri url)
    {
        using var response = await _admin.PostAsJsonAsync(
            new Uri("/api/v1/alert-channels", UriKind.Relative),
            new { name = $"hook {Guid.NewGuid():N}", kind = "Webhook", settings = new { url = url.ToString() } },
            TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("id").GetGuid();
    }

    private static JsonElement Body(ReceivedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static List<string?> States(WebhookReceiver receiver) =>
        [.. receiver.Received.Select(r => Body(r).GetProperty("alert").GetProperty("state").GetString())];
}

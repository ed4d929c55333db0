using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Tests.Alerts;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using Answer = Vigil.ControlPlane.Tests.Support.WebhookReceiver.Answer;

namespace Vigil.ControlPlane.Tests.Monitoring;

/// <summary>Delivery attempts of the real delivery worker to a real receiver, as <c>/metrics</c> counts them.</summary>
public sealed class AlertDeliveryMetricsTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync() => _host = await ControlPlaneHost.StartAsync(_database, AlertDeliveryTests.Settings);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task Each_attempt_is_counted_by_channel_kind_and_outcome()
    {
        await using var receiver = await WebhookReceiver.StartAsync(request => request.Number <= 2 ? new Answer(500, "busy") : Answer.Ok);
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel, "metrics hook", AlertChannelKind.Webhook, new AlertChannelSettings { Url = receiver.Url.ToString() }, new AlertChannelSecrets(),
            TestContext.Current.CancellationToken);

        await Deliveries.SettledAsync(_host, await Deliveries.StoreAsync(_host, channel));

        using var admin = _host.CreateHttpClient();
        await Eventually.HoldsAsync(
            async () =>
            {
                var scrape = PrometheusText.Parse(await admin.GetStringAsync(new Uri(PrometheusSetup.Path, UriKind.Relative), TestContext.Current.CancellationToken));
                return scrape.Value("vigil_alert_deliveries_total", ("channel_kind", "webhook"), ("outcome", "retry")) == 2
                    && scrape.Value("vigil_alert_deliveries_total", ("channel_kind", "webhook"), ("outcome", "sent")) == 1;
            },
            "two retries and one sent attempt are counted");
    }
}

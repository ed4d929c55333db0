using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;
using Answer = Vigil.ControlPlane.Tests.Support.WebhookReceiver.Answer;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>
/// Hangfire's jobs and the deliveries rows share a real PostgreSQL server: while it is stopped nothing
/// is sent, and once it is back the delivery goes out once.
/// </summary>
public sealed class AlertDeliveryOutageTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string?> Settings = new(AlertDeliveryTests.Settings) { ["Alerts:Delivery:MaxAttempts"] = "100" };

    private PostgresServer _server = null!;
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        _host = await ControlPlaneHost.StartAsync(_database, Settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_delivery_pending_through_a_database_outage_is_delivered_once_after_it()
    {
        var receiverUp = false;
        var taken = 0;
        await using var receiver = await WebhookReceiver.StartAsync(_ =>
            Volatile.Read(ref receiverUp) && Interlocked.Increment(ref taken) > 0 ? Answer.Ok : new Answer(503, "down for maintenance"));
        var channel = Guid.NewGuid();
        await _host.Get<AlertChannelStore>().SaveAsync(
            channel, "hook", AlertChannelKind.Webhook, new AlertChannelSettings { Url = receiver.Url.ToString() }, null, TestContext.Current.CancellationToken);
        var id = await Deliveries.StoreAsync(_host, channel);
        await Eventually.HoldsAsync(async () => (await StoredAsync(id)).Attempts >= 1, "the first refused attempt is recorded");

        await _server.StopAsync(TestContext.Current.CancellationToken);
        using var probe = _host.CreateAnonymousClient();
        await Eventually.HoldsAsync(
            async () => !(await probe.GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken)).IsSuccessStatusCode,
            "the control plane sees the database gone");
        Volatile.Write(ref receiverUp, true);
        await _server.StartAgainAsync(TestContext.Current.CancellationToken);
        var delivery = await Deliveries.SettledAsync(_host, id);

        Assert.Equal(AlertDeliveryState.Sent, delivery.State);
        Assert.Equal(1, Volatile.Read(ref taken));
    }

    private async Task<AlertDelivery> StoredAsync(Guid id)
    {
        await using var db = await _host.OpenDatabaseAsync();
        return await db.AlertDeliveries.AsNoTracking().SingleAsync(d => d.Id == id);
    }
}

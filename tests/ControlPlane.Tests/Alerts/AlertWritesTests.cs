using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Alerts;

/// <summary>
/// The evaluator's writes on a real PostgreSQL server: one it refuses (an alert too large for its
/// column) and one that goes away and comes back.
/// </summary>
public sealed class AlertWritesTests : IAsyncLifetime
{
    private static readonly Guid Node = Guid.NewGuid();
    private PostgresServer _server = null!;
    private TestDatabase _database = null!;
    private ControlPlaneHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
        _host = await ControlPlaneHost.StartAsync(_database);
        await AddRuleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _database.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task An_alert_the_database_refuses_is_set_aside_with_an_error_and_the_alerts_after_it_are_stored()
    {
        var tooLarge = new string('x', AlertLimits.DocumentMaxLength + 1);
        Raise("huge", tooLarge);
        Raise("api", "api gave up");

        await Eventually.HoldsAsync(async () => (await StoredSummariesAsync()).Contains("api gave up"), "the alert after the refused one is stored", TimeSpan.FromSeconds(60));
        Assert.Equal(["api gave up"], await StoredSummariesAsync());
        Assert.True(_host.Logs.Contains(LogLevel.Error, "refuses to store alert changes", "set aside"));
    }

    [Fact]
    public async Task Alerts_decided_while_the_database_is_away_are_stored_in_order_when_it_returns()
    {
        await _server.StopAsync(TestContext.Current.CancellationToken);
        Raise("api", "api gave up");
        Raise("worker", "worker gave up");
        await Eventually.HoldsAsync(() => _host.Logs.Contains(LogLevel.Warning, "Alerts: the database is not reachable"), "the outage is logged");

        await _server.StartAgainAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(async () => (await StoredSummariesAsync()).Length == 2, "both alerts are stored", TimeSpan.FromSeconds(60));
        Assert.Equal(["api gave up", "worker gave up"], await StoredSummariesAsync());
        Assert.DoesNotContain(_host.Logs.Entries, e => e.Level >= LogLevel.Error && e.Category.Contains("Alert", StringComparison.Ordinal));
    }

    private void Raise(string service, string summary) =>
        _host.Services.GetRequiredService<AlertSignals>().Raise(
            new ConditionObserved(AlertCondition.ServiceFailed, AlertTarget.ServiceOn(Node, "web-1", service), Holds: true, DateTimeOffset.UtcNow, summary));

    private async Task AddRuleAsync()
    {
        var rule = new AlertRule { Id = Guid.NewGuid(), Name = "any failed service", Condition = AlertCondition.ServiceFailed };
        await using (var db = await Database().CreateDbContextAsync(TestContext.Current.CancellationToken))
        {
            var now = DateTimeOffset.UtcNow;
            db.AlertRules.Add(new StoredAlertRule { Id = rule.Id, Name = rule.Name, Enabled = true, Definition = AlertJson.Write(rule), CreatedAt = now, UpdatedAt = now });
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await _host.Services.GetRequiredService<AlertEvaluator>().RefreshNowAsync(TestContext.Current.CancellationToken);
    }

    private async Task<string[]> StoredSummariesAsync()
    {
        try
        {
            await using var db = await Database().CreateDbContextAsync(TestContext.Current.CancellationToken);
            return await db.Alerts.AsNoTracking().OrderBy(a => a.FiredAt).Select(a => a.Summary).ToArrayAsync(TestContext.Current.CancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            return [];
        }
    }

    private IDbContextFactory<VigilDbContext> Database() => _host.Services.GetRequiredService<IDbContextFactory<VigilDbContext>>();
}

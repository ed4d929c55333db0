using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Decider;

/// <summary>
/// A standby on a real PostgreSQL takes the decider lease over from a stopped instance and renews it
/// from that moment, while it is still starting: ending its standby duty (a relay's stop) and loading
/// the state can take longer than the lease, which would otherwise lapse before the first renewal.
/// A server of its own: a test freezes it.
/// </summary>
public sealed class StandbyTakeoverTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(2);
    private readonly string _standbyDirectory = RepositoryLayout.NewTemporaryDirectory("controlplane");
    private PostgresServer _server = null!;
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await PostgresServer.StartAsync(TestContext.Current.CancellationToken);
        _database = TestDatabase.PostgreSql(await _server.CreateDatabaseAsync(cancellationToken: TestContext.Current.CancellationToken));
    }

    public async ValueTask DisposeAsync()
    {
        _server.Thaw();
        _database.Dispose();
        Directory.Delete(_standbyDirectory, recursive: true);
        await _server.DisposeAsync();
    }

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Decider:Standby"] = "true",
        ["Decider:LeaseDuration"] = LeaseDuration.ToString(),
        ["Decider:RenewInterval"] = "00:00:00.250",
        ["Decider:StandbyCheckInterval"] = "00:00:00.100",
        ["Decider:ClockSkewAllowance"] = "00:00:00.500",
    };

    [Fact]
    public async Task The_lease_a_standby_took_over_is_renewed_while_its_standby_duty_is_still_ending()
    {
        var first = await ControlPlaneHost.StartAsync(_database, Settings);
        var duty = new RenewalWatch(TimeSpan.FromTicks(LeaseDuration.Ticks * 3));
        var starting = StartStandbyAsync(duty);
        await Eventually.HoldsAsync(() => duty.Begun, "the second instance stands by");

        await first.DisposeAsync();
        await using var second = await starting;

        Assert.True(duty.SawRenewal, "the lease taken over was not renewed while the standby duty ended");
        Assert.True(second.Get<DeciderLeaseHolder>().MayDecide);
    }

    [Fact]
    public async Task A_standby_whose_look_at_the_lease_hung_with_the_database_takes_it_over_once_it_answers_and_keeps_deciding()
    {
        await using var first = await ControlPlaneHost.StartAsync(_database, Settings);
        var duty = new RenewalWatch(TimeSpan.FromTicks(LeaseDuration.Ticks * 3));
        var starting = StartStandbyAsync(duty);
        await Eventually.HoldsAsync(() => duty.Begun, "the second instance stands by");

        var frozenAt = DateTime.UtcNow;
        _server.Freeze();
        try
        {
            await Eventually.HoldsAsync(() => !first.Get<DeciderLeaseHolder>().MayDecide, "the first instance stops deciding");
            // The hang is the scenario: the stored lease ends while the standby's look at it waits for the database.
            await Eventually.HoldsAsync(() => DateTime.UtcNow > frozenAt + LeaseDuration + TimeSpan.FromSeconds(1), "the database has hung longer than the lease");
        }
        finally
        {
            _server.Thaw();
        }

        await using var second = await starting;
        Assert.True(duty.SawRenewal, "the lease taken over was not renewed");
        Assert.True(second.Get<DeciderLeaseHolder>().MayDecide, "the instance that took over stopped deciding");
    }

    private Task<ControlPlaneHost> StartStandbyAsync(RenewalWatch duty) => ControlPlaneHost.StartAsync(
        _database,
        new Dictionary<string, string?>(Settings) { ["DataDirectory"] = _standbyDirectory },
        services => services.AddSingleton<IStandbyDuty>(provider => duty.Watching(provider.GetRequiredService<DeciderLeaseStore>())));

    /// <summary>A standby duty whose end waits until the lease just taken over has been renewed (or gives up after a while).</summary>
    private sealed class RenewalWatch(TimeSpan patience) : IStandbyDuty
    {
        private DeciderLeaseStore? _store;
        private volatile bool _begun;

        public bool Begun => _begun;

        public bool SawRenewal { get; private set; }

        public RenewalWatch Watching(DeciderLeaseStore store)
        {
            _store = store;
            return this;
        }

        public Task BeginAsync(CancellationToken cancellationToken)
        {
            _begun = true;
            return Task.CompletedTask;
        }

        public async Task EndAsync()
        {
            var taken = await _store!.ReadAsync(CancellationToken.None);
            try
            {
                await Eventually.HoldsAsync(
                    async () => (await _store.ReadAsync(CancellationToken.None))?.ExpiresAt > taken!.ExpiresAt, "the lease is renewed", patience);
                SawRenewal = true;
            }
            catch (TimeoutException)
            {
                SawRenewal = false;
            }
        }
    }
}

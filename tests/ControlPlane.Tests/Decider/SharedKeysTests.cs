using Microsoft.AspNetCore.DataProtection;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Decider;

/// <summary>
/// Two control planes in standby mode on one real PostgreSQL database, each with its own data
/// directory: what the first protected (an alert channel's password, a session cookie) the second
/// reads once it has taken over, since their Data Protection keys are in the database.
/// </summary>
public sealed class SharedKeysTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _secondDirectory = RepositoryLayout.NewTemporaryDirectory("controlplane");
    private TestDatabase _database = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await postgres.CreateTestDatabaseAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _database.Dispose();
        Directory.Delete(_secondDirectory, recursive: true);
    }

    [Fact]
    public async Task What_the_deciding_instance_protected_the_standby_reads_after_taking_over()
    {
        var standby = new Dictionary<string, string?> { ["Decider:Standby"] = "true" };
        string protectedSecret;
        await using (var first = await ControlPlaneHost.StartAsync(_database, standby))
        {
            protectedSecret = first.Get<IDataProtectionProvider>().CreateProtector("alert-channel").Protect("smtp password");
        }

        await using var second = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>(standby) { ["DataDirectory"] = _secondDirectory });

        Assert.Equal("smtp password", second.Get<IDataProtectionProvider>().CreateProtector("alert-channel").Unprotect(protectedSecret));
    }
}

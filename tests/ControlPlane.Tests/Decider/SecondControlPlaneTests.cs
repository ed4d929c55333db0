using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Decider;

/// <summary>
/// Two real control planes on one database: a second process refuses to start, with exit code 1, while
/// the first holds the decider lease; once the first has stopped, the next one takes the lease over.
/// </summary>
public sealed class SecondControlPlaneTests : IDisposable
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private readonly string _otherDirectory = RepositoryLayout.NewTemporaryDirectory("controlplane");

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_otherDirectory, recursive: true);
    }

    [Fact]
    public async Task A_second_control_plane_on_the_same_database_refuses_to_start_and_takes_over_with_the_next_token_once_the_first_stops()
    {
        var database = $"Data Source={Path.Combine(_database.DataDirectory, "vigil.db")}";
        long firstToken;
        await using (var first = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?> { ["Database:ConnectionString"] = database }))
        {
            firstToken = first.Get<DeciderLeaseHolder>().Token!.Value;
            await using var second = ProductProcess.Start("second control plane", RepositoryLayout.ControlPlaneDll, new Dictionary<string, string?>
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RepositoryLayout.FreePort()}",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DataDirectory"] = _otherDirectory,
                ["Database__Provider"] = "Sqlite",
                ["Database__ConnectionString"] = database,
                ["Security__InitialAdminPassword"] = ControlPlaneHost.AdminPassword,
            });

            var exitCode = await second.WaitForExitAsync(TimeSpan.FromMinutes(2));

            Assert.Equal(1, exitCode);
            Assert.True(second.OutputContains("holds the decider lease of this database"), second.Output);
            Assert.True(second.OutputContains("Stop the other one first"), second.Output);
        }

        await using var afterwards = await ControlPlaneHost.StartAsync(_database, new Dictionary<string, string?>
        {
            ["DataDirectory"] = _otherDirectory,
            ["Database:ConnectionString"] = database,
        });

        Assert.Equal(firstToken + 1, afterwards.Get<DeciderLeaseHolder>().Token);
    }
}

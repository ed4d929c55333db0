using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.ControlPlane;

/// <summary>The control plane process refuses to start on bad settings, saying which key is wrong.</summary>
public sealed class ControlPlaneStartupTests
{
    [Theory]
    [InlineData("Database__Provider", "Oracle", "'Database:Provider'")]
    [InlineData("Database__Provider", "PostgreSql", "Database:ConnectionString is required when Database:Provider is PostgreSql")]
    [InlineData("Agents__EnrollmentToken", "short", "Agents:EnrollmentToken must be at least 16 characters")]
    [InlineData("Liveness__LostAfterMissedHeartbeats", "1", "Liveness:LostAfterMissedHeartbeats must be greater than Liveness:SuspectAfterMissedHeartbeats")]
    [InlineData("Database__LastSeenFlushInterval", "00:00:00", "Database:LastSeenFlushInterval must be between")]
    [InlineData("Security__InitialAdminUserName", "anonymous", "Security:InitialAdminUserName may not be 'anonymous'")]
    [InlineData("Database__MigrateOnStart", "false", "Database:MigrateOnStart is false. Apply the SQL script shipped under migrations/")]
    [InlineData("Decider__Standby", "true", "Decider:Standby needs a shared database: set Database:Provider to PostgreSql or SqlServer")]
    [InlineData("Redis__Configuration", "127.0.0.1:6379", "Redis:Configuration is for several control planes on one shared database")]
    [InlineData("Decider__AdvertisedUrl", "10.0.0.11:5080", "Decider:AdvertisedUrl must be an http:// or https:// address without a path")]
    public async Task A_bad_setting_stops_the_start_with_exit_code_1_and_names_the_key(string key, string value, string expected)
    {
        await using var process = StartControlPlane(new() { [key] = value });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(process.OutputContains("The control plane could not start:") && process.OutputContains(expected), process.Output);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_start_after_the_timeout_naming_the_settings_to_check()
    {
        await using var process = StartControlPlane(new()
        {
            ["Database__Provider"] = "PostgreSql",
            ["Database__ConnectionString"] = $"Host=127.0.0.1;Port={RepositoryLayout.FreePort()};Username=nobody;Timeout=1",
            ["Database__StartupTimeout"] = "00:00:03",
        });

        Assert.Equal(1, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(process.OutputContains("Could not prepare the PostgreSql database within 00:00:03") && process.OutputContains("Check Database:Provider and Database:ConnectionString"), process.Output);

        // Each attempt but the last says it waits; on a starved machine the first may use the whole timeout.
        if (!process.OutputContains("(1 attempts)"))
        {
            Assert.True(process.OutputContains("Waiting for the PostgreSql database"), process.Output);
        }
    }

    private static ProductProcess StartControlPlane(Dictionary<string, string?> settings)
    {
        settings["ASPNETCORE_URLS"] = $"http://127.0.0.1:{RepositoryLayout.FreePort()}";
        settings["DataDirectory"] = RepositoryLayout.NewTemporaryDirectory("e2e-startup");
        return ProductProcess.Start("control-plane", RepositoryLayout.ControlPlaneDll, settings);
    }
}

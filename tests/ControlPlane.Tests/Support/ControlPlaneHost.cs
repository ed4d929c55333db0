using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>
/// The real control plane on a loopback port (Kestrel), with its own data directory and database.
/// Settings are passed as host settings so that they are visible while Program composes the app.
/// </summary>
public sealed class ControlPlaneHost : IAsyncDisposable
{
    public const string EnrollmentToken = "test-enrollment-token-0123456789";

    /// <summary>The Admin API key every host is started with (<c>Security:InitialAdminApiKey</c>).</summary>
    public const string AdminApiKey = "test-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private readonly WebApplicationFactory<Program> _factory;

    private ControlPlaneHost(WebApplicationFactory<Program> factory, Uri address, CapturedLogs logs)
    {
        _factory = factory;
        Address = address;
        Logs = logs;
    }

    public Uri Address { get; }

    public CapturedLogs Logs { get; }

    public IServiceProvider Services => _factory.Services;

    public static async Task<ControlPlaneHost> StartAsync(
        TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var logs = new CapturedLogs();
        var all = new Dictionary<string, string?>
        {
            ["DataDirectory"] = database.DataDirectory,
            ["Database:Provider"] = database.Provider.ToString(),
            ["Database:ConnectionString"] = database.ConnectionString,
            ["Database:LastSeenFlushInterval"] = "00:00:00.200",
            ["Agents:EnrollmentToken"] = EnrollmentToken,
            ["Liveness:SweepInterval"] = "00:00:00.050",
            ["Security:InitialAdminApiKey"] = AdminApiKey,
            ["Security:InitialAdminPassword"] = AdminPassword,
            // Tests send many requests and enrol many agents from one address; the limits have tests of their own.
            ["RateLimits:ApiPerMinute"] = "1000000",
            ["RateLimits:EnrollmentPerMinute"] = "1000000",
            ["RateLimits:LoginPerMinute"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.UseSetting("urls", "http://127.0.0.1:0");
            foreach (var (key, value) in all)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureServices(collection => collection.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
            if (services is not null)
            {
                host.ConfigureServices(services);
            }
        });
        factory.UseKestrel();
        await Task.Run(factory.StartServer);
        var server = factory.Services.GetRequiredService<IServer>();
        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ControlPlaneHost(factory, new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)), logs);
    }

    /// <summary>The password of the first admin, <c>admin</c> (<c>Security:InitialAdminPassword</c>).</summary>
    public const string AdminPassword = "test-admin-password-0123456789";

    /// <summary>A client of the REST API with the Admin API key.</summary>
    public HttpClient CreateHttpClient() => CreateHttpClient(AdminApiKey);

    /// <summary>A client with the given API key, or none when null.</summary>
    public HttpClient CreateHttpClient(string? apiKey)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    public HttpClient CreateAnonymousClient() => CreateHttpClient(apiKey: null);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<VigilDbContext> OpenDatabaseAsync() =>
        await Services.GetRequiredService<IDbContextFactory<VigilDbContext>>().CreateDbContextAsync();

    /// <summary>The node's row as stored now, or null.</summary>
    public async Task<Node?> StoredNodeAsync(Guid nodeId)
    {
        await using var db = await OpenDatabaseAsync();
        return await db.Nodes.AsNoTracking().SingleOrDefaultAsync(n => n.Id == nodeId);
    }

    /// <summary>The liveness each stored change of the node led to, oldest first.</summary>
    public async Task<NodeLiveness[]> StoredLivenessHistoryAsync(Guid nodeId)
    {
        await using var db = await OpenDatabaseAsync();
        return await db.NodeLivenessChanges.Where(c => c.NodeId == nodeId).OrderBy(c => c.Id).Select(c => c.To).ToArrayAsync();
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();
}

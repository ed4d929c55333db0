using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Vigil.ControlPlane.Cluster;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Cluster;

/// <summary>
/// The real <see cref="DeciderForwarder"/> on a real Redis, between a client and a stand-in for the
/// deciding instance that echoes what it received: it forwards to the address the deciding instance
/// announced, keeps the client's Host, puts the client's own address in X-Forwarded-For, and answers
/// 503 when no address is known or the deciding instance cannot be reached.
/// </summary>
public sealed class DeciderForwarderTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private WebApplication _deciding = null!;
    private WebApplication _relaying = null!;
    private HttpClient _client = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static RedisKey AddressKey => DeciderAddress.Key(new RedisOptions().ChannelPrefix);

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync(Cancellation);
        _connection = await ConnectionMultiplexer.ConnectAsync(_redis.Configuration);
        _deciding = await StartAsync(app => app.Map("/{**path}", (HttpContext context) =>
            $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} host={context.Request.Host} for={context.Request.Headers["X-Forwarded-For"]} proto={context.Request.Headers["X-Forwarded-Proto"]}"));
        _relaying = await StartAsync(
            app => app.Map("/{**path}", app.Services.GetRequiredService<DeciderForwarder>().ForwardAsync),
            services => services
                .AddHttpForwarder()
                .AddSingleton<IConnectionMultiplexer>(_connection)
                .AddSingleton(new RedisOptions { Configuration = _redis.Configuration })
                .AddSingleton(TimeProvider.System)
                .AddSingleton<DeciderForwarder>());
        _client = new HttpClient { BaseAddress = new Uri(_relaying.Urls.Single()) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _relaying.DisposeAsync();
        await _deciding.DisposeAsync();
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task With_no_address_announced_the_answer_is_503_saying_so()
    {
        var response = await _client.GetAsync(new Uri("/api/v1/nodes", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        Assert.Contains("no deciding control plane has said where it serves", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_reaches_the_announced_address_with_the_clients_host_and_its_own_address_in_place_of_what_it_claimed()
    {
        await _connection.GetDatabase().StringSetAsync(AddressKey, _deciding.Urls.Single());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/groups?x=1", UriKind.Relative));
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        var response = await _client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal($"POST /api/v1/groups?x=1 host={_client.BaseAddress!.Authority} for=127.0.0.1 proto=http", echoed);
    }

    [Fact]
    public async Task An_announced_address_that_does_not_answer_gives_503_naming_it()
    {
        var gone = $"http://127.0.0.1:{RepositoryLayout.FreePort()}";
        await _connection.GetDatabase().StringSetAsync(AddressKey, gone);

        var response = await _client.GetAsync(new Uri("/readyz", UriKind.Relative), Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains($"the deciding control plane at {gone} cannot be reached now", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(Cancellation);
        return app;
    }
}

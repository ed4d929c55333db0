using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Roles;

/// <summary>The role endpoint on a real listener, as a load balancer meets it.</summary>
public sealed class RoleEndpointTests : IAsyncLifetime
{
    private readonly TemporaryFolder _folder = new();
    private readonly HttpClient _http = new();
    private EventOutbox _outbox = null!;
    private RoleKeeper _roles = null!;
    private RoleEndpoint _endpoint = null!;
    private Uri _address = null!;

    public async ValueTask InitializeAsync()
    {
        _outbox = new EventOutbox(_folder.File("outbox"), TimeProvider.System, NullLogger<EventOutbox>.Instance);
        var events = new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance);
        _roles = new RoleKeeper(_folder.Path, events, TimeProvider.System, NullLogger<RoleKeeper>.Instance);
        _address = new Uri($"http://127.0.0.1:{FreePort()}/");
        _endpoint = new RoleEndpoint(Options.Create(new AgentOptions { RoleEndpoint = _address.ToString() }), _roles, NullLogger<RoleEndpoint>.Instance);
        await _endpoint.StartAsync(TestContext.Current.CancellationToken);
        await Eventually.HoldsAsync(async () => await AnswersAsync(), "the role endpoint listens");
    }

    public async ValueTask DisposeAsync()
    {
        await _endpoint.StopAsync(CancellationToken.None);
        _endpoint.Dispose();
        _roles.Dispose();
        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task HEAD_gets_the_headers_of_GET_without_a_body()
    {
        using var response = await SendAsync(HttpMethod.Head, "roles");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.True(await AnswersAsync());
    }

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    [InlineData("OPTIONS")]
    public async Task Other_methods_get_405_naming_the_allowed_ones_and_the_endpoint_goes_on(string method)
    {
        using var response = await SendAsync(new HttpMethod(method), "roles/web");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
        Assert.True(await AnswersAsync());
    }

    [Fact]
    public async Task A_request_for_a_group_this_node_is_not_in_gets_404()
    {
        using var response = await SendAsync(HttpMethod.Get, "roles/web");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, new Uri(_address, path));
        return await _http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(_address, "roles"), TestContext.Current.CancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

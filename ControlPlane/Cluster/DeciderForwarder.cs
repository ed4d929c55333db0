using System.Diagnostics;
using System.Net;
using StackExchange.Redis;
using Yarp.ReverseProxy.Forwarder;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// On a standing-by instance, forwards every request that is not an agent's (the dashboard with its
/// circuits' WebSockets, the API, enrolment, readiness) to the deciding instance at the address it
/// announced (<see cref="DeciderAddress"/>), so that every instance serves the whole fleet. With no
/// address known, or the deciding instance unreachable, the answer is 503, which a reverse proxy takes
/// as "try the next instance".
/// </summary>
internal sealed partial class DeciderForwarder(
    IHttpForwarder forwarder,
    IConnectionMultiplexer redis,
    RedisOptions options,
    TimeProvider time,
    ILogger<DeciderForwarder> logger) : IDisposable
{
    /// <summary>How long an address read from Redis is used before it is read again.</summary>
    private static readonly TimeSpan AddressKeptFor = TimeSpan.FromSeconds(1);

    private static readonly ForwarderRequestConfig RequestConfig = new() { ActivityTimeout = TimeSpan.FromMinutes(2) };

    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
    });

    private readonly Lock _gate = new();
    private string? _address;
    private long _readAt;
    private bool _unreachable;

    public async Task ForwardAsync(HttpContext context)
    {
        if (await AddressAsync() is not { } address)
        {
            await RefuseAsync(context, "Standing by: no deciding control plane has said where it serves (Decider:AdvertisedUrl).");
            return;
        }

        var error = await forwarder.SendAsync(context, address, _client, RequestConfig, AsTheClientSentIt.Instance);
        if (error is ForwarderError.None or ForwarderError.RequestCanceled or ForwarderError.UpgradeRequestCanceled)
        {
            Reached(address, true);
            return;
        }

        Reached(address, false);
        if (!context.Response.HasStarted)
        {
            await RefuseAsync(context, $"Standing by: the deciding control plane at {address} cannot be reached now ({error}).");
        }
    }

    private static async Task RefuseAsync(HttpContext context, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        await context.Response.WriteAsync(message);
    }

    /// <summary>The announced address, read again at most every second; the last one known while Redis is away.</summary>
    private async ValueTask<string?> AddressAsync()
    {
        lock (_gate)
        {
            if (_readAt != 0 && time.GetElapsedTime(_readAt) < AddressKeptFor)
            {
                return _address;
            }
        }

        try
        {
            var read = await redis.GetDatabase().StringGetAsync(DeciderAddress.Key(options.ChannelPrefix));
            lock (_gate)
            {
                _address = read.IsNullOrEmpty ? null : read.ToString();
                _readAt = time.GetTimestamp();
                return _address;
            }
        }
        catch (RedisException)
        {
            lock (_gate)
            {
                return _address;
            }
        }
    }

    private void Reached(string address, bool reached)
    {
        bool changed;
        lock (_gate)
        {
            changed = _unreachable == reached;
            _unreachable = !reached;
        }

        if (changed && reached)
        {
            LogReachedAgain(address);
        }
        else if (changed)
        {
            LogUnreachable(address);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// The request as the client sent it, Host included (so that addresses the deciding instance builds
    /// are the ones the client used), with the client's address and scheme in <c>X-Forwarded-For</c> and
    /// <c>X-Forwarded-Proto</c> in place of whatever the client said there.
    /// </summary>
    private sealed class AsTheClientSentIt : HttpTransformer
    {
        public static readonly AsTheClientSentIt Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("X-Forwarded-For");
            proxyRequest.Headers.Remove("X-Forwarded-Proto");
            if (httpContext.Connection.RemoteIpAddress is { } client)
            {
                proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-For", client.ToString());
            }

            proxyRequest.Headers.TryAddWithoutValidation("X-Forwarded-Proto", httpContext.Request.Scheme);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deciding control plane at {Address} cannot be reached: dashboard and API requests made here are answered 503 until it can")]
    private partial void LogUnreachable(string address);

    [LoggerMessage(Level = LogLevel.Information, Message = "The deciding control plane at {Address} is reached again: dashboard and API requests made here are forwarded there")]
    private partial void LogReachedAgain(string address);
}

using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vigil.ControlPlane.Decider;
using IServer = Microsoft.AspNetCore.Hosting.Server.IServer;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// While this instance decides, tells the standing-by ones where it serves (<see cref="DeciderAddress"/>),
/// so that they forward the dashboard, the API and enrolment here. Starts once the server listens;
/// says nothing while it may not decide, and takes its address back at a planned stop.
/// </summary>
internal sealed partial class DeciderAddressAnnouncer(
    RedisConnection redisConnection,
    IOptions<RedisOptions> redisOptions,
    IOptions<DeciderOptions> deciderOptions,
    DeciderLeaseHolder decider,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DeciderAddressAnnouncer> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _announcing = Task.CompletedTask;
    private string? _address;

    private RedisKey Key => DeciderAddress.Key(redisOptions.Value.ChannelPrefix);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _announcing = AnnounceAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    private async Task AnnounceAsync(CancellationToken stopping)
    {
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        _address = DeciderAddress.Choose(deciderOptions.Value.AdvertisedUrl, listening);
        if (_address is null)
        {
            LogNoAddress(string.Join(", ", listening));
            return;
        }

        LogAnnouncing(_address);
        using var timer = new PeriodicTimer(DeciderAddress.Refresh, time);
        try
        {
            do
            {
                await AnnounceOnceAsync(_address);
            }
            while (await timer.WaitForNextTickAsync(stopping));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task AnnounceOnceAsync(string address)
    {
        if (!decider.MayDecide)
        {
            return;
        }

        try
        {
            var redis = await redisConnection.ConnectAsync(_stopping.Token);
            await redis.GetDatabase().StringSetAsync(Key, address, DeciderAddress.Lifetime);
        }
        catch (RedisException exception)
        {
            // Said again at the next refresh; meanwhile the others go on with the address they know.
            LogNotAnnounced(exception.Message);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _announcing;
        if (_address is not { } address)
        {
            return;
        }

        try
        {
            // Only if still this instance's: another may have taken over and said its own.
            var redis = await redisConnection.ConnectAsync(cancellationToken);
            await redis.GetDatabase().LockReleaseAsync(Key, address);
        }
        catch (RedisException exception)
        {
            LogNotAnnounced(exception.Message);
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "The standing-by control planes forward the dashboard, the API and enrolment to this one at {Address}")]
    private partial void LogAnnouncing(string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Decider:AdvertisedUrl is not set and this control plane listens on no address others can reach ({Listening}): the standing-by control planes cannot forward the dashboard, the API and enrolment here. Set Decider:AdvertisedUrl to this instance's address")]
    private partial void LogNoAddress(string listening);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The address of this deciding control plane could not be told through Redis: {Reason}")]
    private partial void LogNotAnnounced(string reason);
}

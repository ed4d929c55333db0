using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The Redis backplane for one hub, made to ride out Redis outages: a connection that opens while
/// Redis is away is still accepted and reached from this instance (the backplane keeps it locally
/// before it subscribes in Redis), only not from the others. Without this, an instance could accept
/// no agent at all while Redis is away, not even the ones it would serve alone.
/// </summary>
internal sealed partial class RedisOutageTolerantLifetimeManager<THub>(RedisHubLifetimeManager<THub> redis, ILogger<RedisOutageTolerantLifetimeManager<THub>> logger)
    : HubLifetimeManager<THub>
    where THub : Hub
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        try
        {
            await redis.OnConnectedAsync(connection);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogLocalOnly(connection.ConnectionId, exception.Message);
        }
    }

    public override async Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        try
        {
            await redis.OnDisconnectedAsync(connection);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogNotUnsubscribed(connection.ConnectionId, exception.Message);
        }
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        redis.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        redis.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        redis.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        redis.AddToGroupAsync(connectionId, groupName, cancellationToken);

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        redis.RemoveFromGroupAsync(connectionId, groupName, cancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent connection {ConnectionId} accepted while Redis is away: only this control plane reaches it ({Reason})")]
    private partial void LogLocalOnly(string connectionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent connection {ConnectionId} ended while Redis is away: {Reason}")]
    private partial void LogNotUnsubscribed(string connectionId, string reason);
}

public static class RedisBackplaneSetup
{
    /// <summary>
    /// The Redis backplane for the agent hub only (the dashboard's circuits stay on the instance that
    /// holds them), on the connection <paramref name="connect"/> gives.
    /// </summary>
    public static IServiceCollection AddAgentHubBackplane(this IServiceCollection services, Func<IServiceProvider, Task<IConnectionMultiplexer>> connect)
    {
        services.AddSingleton<RedisHubLifetimeManager<Agents.AgentHub>>();
        services.AddSingleton<HubLifetimeManager<Agents.AgentHub>, RedisOutageTolerantLifetimeManager<Agents.AgentHub>>();
        services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
            .Configure<IServiceProvider, Microsoft.Extensions.Options.IOptions<RedisOptions>>((backplane, provider, options) =>
            {
                backplane.Configuration.ChannelPrefix = RedisChannel.Literal(options.Value.ChannelPrefix + ":signalr");
                backplane.ConnectionFactory = async _ => await connect(provider);
            });
        return services;
    }
}

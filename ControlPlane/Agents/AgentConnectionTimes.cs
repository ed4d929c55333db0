using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// When each agent last connected: noted in memory when its connection opens (a connection never
/// waits on the database) and written in the background every few seconds, one row per agent,
/// whatever the number of reconnects. While the database is away the times wait here (one per agent)
/// and are written when it is back. When the database refuses the times though it answers, they are
/// written agent by agent, and a time it refuses alone is set aside with an error in the log, so that
/// the other agents' times are written.
/// </summary>
internal sealed partial class AgentConnectionTimes(
    IDbContextFactory<VigilDbContext> databases,
    DatabaseReadiness database,
    TimeProvider time,
    ILogger<AgentConnectionTimes> logger) : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _unsaved = new();
    private readonly WriteRetry _retry = new(time, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
    private readonly BoundedDatabaseCalls _calls = new(1, WriteTimeout, time);

    public void Note(Guid agentId) => _unsaved[agentId] = time.GetUtcNow();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!_unsaved.IsEmpty)
                {
                    await WriteUnsavedAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WriteUnsavedAsync(CancellationToken cancellationToken)
    {
        var taken = _unsaved.ToArray();
        if (await UntilWrittenOrRefusedAsync(taken, cancellationToken) is null)
        {
            return;
        }

        foreach (var connected in taken)
        {
            if (await UntilWrittenOrRefusedAsync([connected], cancellationToken) is { } refused)
            {
                _unsaved.TryRemove(connected);
                LogSetAside(refused, connected.Key, connected.Value);
            }
        }
    }

    private Task<Exception?> UntilWrittenOrRefusedAsync(IReadOnlyList<KeyValuePair<Guid, DateTimeOffset>> taken, CancellationToken cancellationToken) =>
        _retry.UntilWrittenOrRefusedAsync(
            () => _calls.RunAsync(token => WriteAsync(taken, token), cancellationToken),
            database.AnswersAsync,
            LogNotWritten,
            null,
            cancellationToken);

    private async Task WriteAsync(IReadOnlyList<KeyValuePair<Guid, DateTimeOffset>> taken, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        foreach (var (agentId, at) in taken)
        {
            await db.Agents.Where(a => a.Id == agentId).ExecuteUpdateAsync(set => set.SetProperty(a => a.LastConnectedAt, at), cancellationToken);

            // A newer connection meanwhile stays to be written next time.
            _unsaved.TryRemove(KeyValuePair.Create(agentId, at));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot write when agents last connected; kept in memory and written when the database is back")]
    private partial void LogNotWritten(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "The database refuses to store when agent {AgentId} last connected ({ConnectedAt}) though it answers; the time is set aside so that the other agents' times are written")]
    private partial void LogSetAside(Exception exception, Guid agentId, DateTimeOffset connectedAt);
}

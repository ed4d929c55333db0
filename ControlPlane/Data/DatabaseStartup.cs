using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Data;

/// <summary>
/// Brings the database up to date, passes the serving gates (the decider lease: a standby waits
/// there), and loads the known nodes before the control plane accepts connections. Keeps trying for
/// <see cref="DatabaseOptions.StartupTimeout"/>, then stops the start with a message that says what to check.
/// </summary>
internal sealed partial class DatabaseStartup(
    IDbContextFactory<VigilDbContext> databases,
    NodeRegistry registry,
    IEnumerable<IServingGate> gates,
    DatabaseReadiness readiness,
    IOptions<DatabaseOptions> options,
    TimeProvider time,
    ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        await RetryAsync(settings, token => PrepareAsync(settings, token), cancellationToken);
        foreach (var gate in gates)
        {
            await gate.PassAsync(cancellationToken);
        }

        await RetryAsync(settings, token => LoadAsync(settings, token), cancellationToken);
        readiness.MarkStarted();
    }

    private async Task RetryAsync(DatabaseOptions settings, Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step(cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is not (OperationCanceledException or PendingMigrationsException))
            {
                if (time.GetElapsedTime(started) + delay > settings.StartupTimeout)
                {
                    throw new InvalidOperationException(
                        $"Could not prepare the {settings.Provider} database within {settings.StartupTimeout} " +
                        $"({attempt} attempts): {exception.Message} Check Database:Provider and Database:ConnectionString.",
                        exception);
                }

                LogWaitingForDatabase(settings.Provider, attempt, delay, exception.Message);
                await Task.Delay(delay, time, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task PrepareAsync(DatabaseOptions settings, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (settings.MigrateOnStart)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        else
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                throw new PendingMigrationsException(
                    $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and Database:MigrateOnStart is false. " +
                    "Apply the SQL script shipped under migrations/ or set Database:MigrateOnStart to true.");
            }
        }

        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            // Readers do not block the writer, and the writer does not block readers.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    private async Task LoadAsync(DatabaseOptions settings, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var nodes = await db.Nodes.AsNoTracking().ToListAsync(cancellationToken);
        var lastSequences = await db.Events
            .GroupBy(e => e.NodeId)
            .Select(g => new { NodeId = g.Key, Last = g.Max(e => e.Sequence) })
            .ToDictionaryAsync(g => g.NodeId, g => g.Last, cancellationToken);
        var configVersions = await db.DesiredNodeConfigurations.ToDictionaryAsync(c => c.NodeId, c => c.Version, cancellationToken);
        registry.Load(nodes, lastSequences, configVersions);
        LogReady(settings.Provider, nodes.Count);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the {Provider} database (attempt {Attempt}, next in {Delay}): {Error}")]
    private partial void LogWaitingForDatabase(DatabaseProvider provider, int attempt, TimeSpan delay, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Provider} database ready; {NodeCount} known node(s) loaded")]
    private partial void LogReady(DatabaseProvider provider, int nodeCount);
}

/// <summary>The schema is behind and the control plane may not migrate it: waiting will not help.</summary>
internal sealed class PendingMigrationsException(string message) : InvalidOperationException(message);

using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Audit;

/// <summary>Writes the audit entries that could not be written at once, retrying until the database is back.</summary>
internal sealed partial class AuditRetryWriter(AuditTrail trail, TimeProvider time, ILogger<AuditRetryWriter> logger) : BackgroundService
{
    private const int MaxBatch = 500;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<AuditEntry>();
        try
        {
            while (await trail.Unwritten.WaitToReadAsync(stoppingToken))
            {
                var delay = TimeSpan.FromMilliseconds(500);
                while (trail.Unwritten.TryPeek(out _))
                {
                    batch.Clear();
                    while (batch.Count < MaxBatch && trail.Unwritten.TryPeek(out var entry))
                    {
                        batch.Add(entry);
                        trail.Unwritten.TryRead(out _);
                    }

                    while (true)
                    {
                        try
                        {
                            await trail.WriteAsync(batch, stoppingToken);
                            LogWritten(batch.Count);
                            break;
                        }
                        catch (Exception exception) when (exception is not OperationCanceledException)
                        {
                            await Task.Delay(delay, time, stoppingToken);
                            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Wrote {Count} audit entries kept while the database was away")]
    private partial void LogWritten(int count);
}

namespace Vigil.ControlPlane.Audit;

/// <summary>Writes the counted refusals of each ended minute (see <see cref="RefusalTally"/>).</summary>
internal sealed partial class RefusalCountWriter(AuditTrail trail, TimeProvider time, ILogger<RefusalCountWriter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefusalTally.Window / 4, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await trail.RecordCountedRefusalsAsync();
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogNotWritten(exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counted refusals not written to the audit log: {Reason}")]
    private partial void LogNotWritten(string reason);
}

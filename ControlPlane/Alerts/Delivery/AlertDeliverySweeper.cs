using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>
/// Gives a job to every Pending delivery that lost its own: at start, every due one (jobs of a
/// control plane that stopped mid-attempt); then every <see cref="AlertDeliveryOptions.SweepInterval"/>,
/// those overdue by a whole interval (an enqueue that failed in a database outage). A second job for
/// a delivery finds it claimed or settled and does nothing.
/// </summary>
public sealed partial class AlertDeliverySweeper(
    AlertDeliveryStore deliveries,
    AlertDeliveryJobs jobs,
    TimeProvider time,
    IOptions<AlertOptions> options,
    ILogger<AlertDeliverySweeper> logger) : BackgroundService
{
    private const int Batch = 500;

    private readonly AlertDeliveryOptions _options = options.Value.Delivery;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await SweepAsync(time.GetUtcNow(), stoppingToken);
            using var timer = new PeriodicTimer(_options.SweepInterval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(AlertDeliveryPolicy.OverdueBefore(time.GetUtcNow(), _options), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(DateTimeOffset dueBefore, CancellationToken stoppingToken)
    {
        try
        {
            var due = await deliveries.DueAsync(dueBefore, Batch, stoppingToken);
            if (due.Count > 0 && jobs.Enqueue(due))
            {
                LogSwept(due.Count);
            }
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            LogOutage(exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Alerts: {Count} pending deliveries without a job were queued again")]
    private partial void LogSwept(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: the database is not reachable; pending deliveries are queued once it is back")]
    private partial void LogOutage(Exception exception);
}

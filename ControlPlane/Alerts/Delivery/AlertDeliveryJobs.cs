using Hangfire;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>
/// Gives deliveries their Hangfire jobs: one job per attempt, on the <see cref="Name"/> queue (named by the job's attribute: not every storage takes a queue per job). A job
/// that cannot be created (its storage is the database, which may be away) is only logged: the row
/// is already stored, and <see cref="AlertDeliverySweeper"/> gives it a job later.
/// </summary>
public sealed partial class AlertDeliveryJobs(IBackgroundJobClient jobs, TimeProvider time, ILogger<AlertDeliveryJobs> logger)
{
    /// <summary>Hangfire's queue for alert deliveries (its names are lower case).</summary>
    public const string Name = "alerts";

    /// <summary>Attempts each delivery now; false when a job could not be created.</summary>
    public bool Enqueue(IEnumerable<Guid> deliveryIds)
    {
        foreach (var id in deliveryIds)
        {
            try
            {
                jobs.Enqueue<AlertDeliveryJob>(job => job.RunAsync(id, CancellationToken.None));
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogNotQueued(exception, id);
                return false;
            }
        }

        return true;
    }

    /// <summary>Attempts the delivery again at <paramref name="at"/>; false when the job could not be created.</summary>
    public bool Schedule(Guid deliveryId, DateTimeOffset at)
    {
        try
        {
            var wait = at - time.GetUtcNow();
            jobs.Schedule<AlertDeliveryJob>(job => job.RunAsync(deliveryId, CancellationToken.None), wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogNotQueued(exception, deliveryId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alerts: no job could be queued for delivery {DeliveryId}; it is stored, and the sweeper queues it once the job storage answers")]
    private partial void LogNotQueued(Exception exception, Guid deliveryId);
}

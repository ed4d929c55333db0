using Quartz;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Retention;

/// <summary>The scheduled retention run. A run the database could not serve is logged and waits for the next.</summary>
[DisallowConcurrentExecution]
public sealed partial class RetentionJob(RetentionSweep sweep, ILogger<RetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("retention", "maintenance");

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            await sweep.RunAsync(cancellationToken);
        }
        catch (Exception exception) when (DatabaseOutage.Is(exception))
        {
            LogOutage(exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: the database did not answer ({Reason}); old rows are deleted at the next run")]
    private partial void LogOutage(string reason);
}

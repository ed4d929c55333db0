using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Vigil.ControlPlane.Observability;

/// <summary>
/// Checks what <c>/readyz</c> checks (the database, Redis) every <see cref="Interval"/>, once for the
/// whole process, and tells the dashboard's pages when what is wrong changes: the banner they show
/// follows it without each page asking.
/// </summary>
public sealed partial class DependencyWatch(HealthCheckService health, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<DependencyWatch> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    /// <summary>What is wrong now, one sentence per dependency; empty when all is well.</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Not while the database is still being prepared: nobody is served before the start.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(started.SetResult))
        {
            await started.Task.WaitAsync(stoppingToken);
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var report = await health.CheckHealthAsync(HealthEndpoints.IsReadiness, stoppingToken);
                Update([.. report.Entries
                    .Where(entry => entry.Value.Status != HealthStatus.Healthy)
                    .OrderBy(entry => entry.Key, StringComparer.Ordinal)
                    .Select(entry => entry.Value.Description ?? $"{entry.Key} is {entry.Value.Status}.")]);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogCheckFailed(exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private void Update(IReadOnlyList<string> problems)
    {
        if (problems.SequenceEqual(Problems, StringComparer.Ordinal))
        {
            return;
        }

        Problems = problems;
        Changed?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dependencies could not be checked: {Reason}")]
    private partial void LogCheckFailed(string reason);
}

public static class DependencyWatchSetup
{
    public static IHostApplicationBuilder AddDependencyWatch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DependencyWatch>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DependencyWatch>());
        return builder;
    }
}

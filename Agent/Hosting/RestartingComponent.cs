using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;

namespace Vigil.Agent.Hosting;

/// <summary>
/// Runs one component of the agent (the supervisor, the connection, the role keeper, the role
/// endpoint) so that an unexpected error never stops it silently: the error is logged and the
/// component started again after a backoff. A component that keeps failing soon after each start
/// cannot continue: the agent then stops with exit code 1, so that the Windows service control
/// manager (or systemd) starts it again.
/// </summary>
public sealed partial class RestartingComponent(
    BackgroundService component,
    string name,
    IHostApplicationLifetime lifetime,
    AgentExit exit,
    TimeProvider time,
    ILogger<RestartingComponent> logger,
    Func<double>? random = null) : BackgroundService, IHostedLifecycleService
{
    /// <summary>Failures in a row, each within <see cref="SteadyRun"/> of a start, after which the agent gives up.</summary>
    public const int FailuresBeforeGivingUp = 5;

    /// <summary>A component that ran this long before failing starts counting its failures again.</summary>
    public static readonly TimeSpan SteadyRun = TimeSpan.FromMinutes(10);

    public static readonly ReconnectOptions Backoff = new() { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromMinutes(1) };

    private readonly IHostedLifecycleService? _lifecycle = component as IHostedLifecycleService;

    /// <summary>How many failures in a row a failure makes, given how long the component ran before it.</summary>
    public static int FailuresInRow(int before, TimeSpan ranFor) => ranFor >= SteadyRun ? 1 : before + 1;

    public Task StartingAsync(CancellationToken cancellationToken) => _lifecycle?.StartingAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => _lifecycle?.StartedAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => _lifecycle?.StoppingAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => _lifecycle?.StoppedAsync(cancellationToken) ?? Task.CompletedTask;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Ends the loop and the component's run with it (its token is linked to the loop's), then
        // lets the component do its own stopping work.
        await base.StopAsync(cancellationToken);
        await component.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = new ReconnectBackoff(Backoff, random ?? Random.Shared.NextDouble);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            TimeSpan delay;
            try
            {
                await component.StartAsync(stoppingToken);
                await component.ExecuteTask!;
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                var ranFor = time.GetElapsedTime(started);
                failures = FailuresInRow(failures, ranFor);
                if (ranFor >= SteadyRun)
                {
                    backoff.Reset();
                }

                if (failures >= FailuresBeforeGivingUp)
                {
                    LogGivingUp(exception, name, failures);
                    exit.Fail();
                    lifetime.StopApplication();
                    return;
                }

                delay = backoff.Next();
                LogRestarting(exception, name, delay.TotalSeconds, failures, FailuresBeforeGivingUp);
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The agent's {Component} failed unexpectedly; it starts again in {DelaySeconds:0.#} s (failure {Failures} of {Limit} before the agent gives up)")]
    private partial void LogRestarting(Exception exception, string component, double delaySeconds, int failures, int limit);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The agent's {Component} failed {Failures} times in a row soon after starting; the agent stops with exit code 1 so that the service manager starts it again. See the errors before this one for the cause")]
    private partial void LogGivingUp(Exception exception, string component, int failures);
}

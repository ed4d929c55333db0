using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Hosting;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Hosting;

public sealed class RestartingComponentTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly StopRecorder _lifetime = new();
    private readonly AgentExit _exit = new();

    public void Dispose() => Environment.ExitCode = 0;

    [Fact]
    public async Task A_component_that_fails_is_started_again_after_the_backoff_and_the_agent_goes_on()
    {
        var component = new Flaky(failingRuns: 2);
        using var restarting = Restarting(component);
        await restarting.StartAsync(TestContext.Current.CancellationToken);

        await Eventually.HoldsAsync(() => component.Runs == 1, "the component runs and fails");
        Assert.Equal(1, component.Runs);
        await AdvanceUntilAsync(() => component.Runs == 3 && component.Running, "the component is started again after each failure and keeps running");

        await restarting.StopAsync(TestContext.Current.CancellationToken);
        Assert.False(_lifetime.Stopped);
        Assert.Equal(0, _exit.Code);
        Assert.True(component.StoppedByHost);
    }

    [Fact]
    public async Task A_component_that_keeps_failing_soon_after_each_start_stops_the_agent_with_exit_code_1()
    {
        var component = new Flaky(failingRuns: int.MaxValue);
        using var restarting = Restarting(component);
        await restarting.StartAsync(TestContext.Current.CancellationToken);

        await AdvanceUntilAsync(() => _lifetime.Stopped, "the agent is stopped");
        Assert.Equal(RestartingComponent.FailuresBeforeGivingUp, component.Runs);
        Assert.Equal(1, _exit.Code);
    }

    [Fact]
    public void Failures_count_again_from_one_after_a_steady_run()
    {
        Assert.Equal(3, RestartingComponent.FailuresInRow(2, TimeSpan.FromSeconds(5)));
        Assert.Equal(1, RestartingComponent.FailuresInRow(4, RestartingComponent.SteadyRun));
    }

    /// <summary>Lets backoff time pass, a second at a time, until the condition holds.</summary>
    private Task AdvanceUntilAsync(Func<bool> condition, string what) => Eventually.HoldsAsync(
        () =>
        {
            if (condition())
            {
                return true;
            }

            _clock.Advance(TimeSpan.FromSeconds(1));
            return false;
        },
        what);

    private RestartingComponent Restarting(BackgroundService component) =>
        new(component, "test component", _lifetime, _exit, _clock, NullLogger<RestartingComponent>.Instance, random: () => 0.5);

    /// <summary>Fails at once on its first runs, then runs until stopped.</summary>
    private sealed class Flaky(int failingRuns) : BackgroundService
    {
        private int _runs;

        public int Runs => Volatile.Read(ref _runs);

        public bool Running { get; private set; }

        public bool StoppedByHost { get; private set; }

        public override async Task StopAsync(CancellationToken cancellationToken)
        {
            await base.StopAsync(cancellationToken);
            StoppedByHost = true;
        }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (Interlocked.Increment(ref _runs) <= failingRuns)
            {
                throw new InvalidOperationException("broken");
            }

            Running = true;
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
    }

    private sealed class StopRecorder : IHostApplicationLifetime
    {
        public bool Stopped { get; private set; }

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopped = true;
    }
}

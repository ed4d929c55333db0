using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision;

public sealed class ProcessMetricsSamplerTests
{
    private static readonly ServiceReport Report = new() { Name = "self", Kind = "process", State = ServiceState.Running, Health = ServiceHealth.Healthy, Reason = "running" };

    [Fact]
    public void The_first_sample_has_memory_and_threads_and_the_next_one_the_cpu_in_between()
    {
        var clock = new FakeTimeProvider();
        var sampler = new ProcessMetricsSampler(clock);

        var first = sampler.AddTo(Report, Environment.ProcessId);
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 50)
        {
            // Burn some CPU to be measured.
        }

        clock.Advance(TimeSpan.FromSeconds(1));
        var second = sampler.AddTo(Report, Environment.ProcessId);

        Assert.Null(first.CpuPercent);
        Assert.True(first.WorkingSetBytes > 0);
        Assert.True(first.ThreadCount >= 1);
        Assert.NotNull(second.CpuPercent);
        Assert.InRange(second.CpuPercent!.Value, 1, 100 * Environment.ProcessorCount);
    }

    [Fact]
    public void A_process_that_is_gone_leaves_the_report_without_figures()
    {
        var sampler = new ProcessMetricsSampler(new FakeTimeProvider());

        var report = sampler.AddTo(Report, int.MaxValue - 7);

        Assert.Equal(Report, report);
    }
}

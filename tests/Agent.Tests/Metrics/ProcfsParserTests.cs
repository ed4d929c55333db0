using Vigil.Agent.Metrics;

namespace Vigil.Agent.Tests.Metrics;

public sealed class ProcfsParserTests
{
    private const string Stat = """
        cpu  4705 150 1120 16250 520 0 30 10 100 0
        cpu0 2350 75 560 8125 260 0 15 5 50 0
        intr 12345
        """;

    [Fact]
    public void Cpu_times_count_idle_and_iowait_as_idle_and_leave_guest_time_out()
    {
        var times = ProcfsParser.ParseCpuTimes(Stat);

        Assert.Equal(4705UL + 150 + 1120 + 0 + 30 + 10, times.Busy);
        Assert.Equal(4705UL + 150 + 1120 + 16250 + 520 + 0 + 30 + 10, times.Total);
    }

    [Fact]
    public void Busy_percent_is_measured_between_two_samples()
    {
        var earlier = new CpuTimes(Busy: 1000, Total: 5000);
        var later = new CpuTimes(Busy: 1250, Total: 6000);

        Assert.Equal(25, later.BusyPercentSince(earlier));
    }

    [Fact]
    public void Busy_percent_is_zero_when_no_time_passed_or_counters_went_back()
    {
        var sample = new CpuTimes(1000, 5000);

        Assert.Equal(0, sample.BusyPercentSince(sample));
        Assert.Equal(0, new CpuTimes(900, 6000).BusyPercentSince(sample));
    }

    [Fact]
    public void Busy_percent_never_leaves_0_to_100()
    {
        Assert.Equal(100, new CpuTimes(3000, 5100).BusyPercentSince(new CpuTimes(1000, 5000)));
    }

    [Fact]
    public void A_stat_file_without_the_aggregate_line_is_rejected()
    {
        Assert.Throws<FormatException>(() => ProcfsParser.ParseCpuTimes("intr 1 2 3"));
    }

    [Fact]
    public void Memory_comes_from_MemTotal_and_MemAvailable_in_bytes()
    {
        const string meminfo = """
            MemTotal:       24684092 kB
            MemFree:        20000000 kB
            MemAvailable:   23000000 kB
            Buffers:          100000 kB
            """;

        var (total, available) = ProcfsParser.ParseMemory(meminfo);

        Assert.Equal(24684092L * 1024, total);
        Assert.Equal(23000000L * 1024, available);
    }

    [Fact]
    public void Meminfo_without_MemAvailable_is_rejected()
    {
        Assert.Throws<FormatException>(() => ProcfsParser.ParseMemory("MemTotal: 100 kB\n"));
    }

    [Fact]
    public void Uptime_is_whole_seconds_of_the_first_number()
    {
        Assert.Equal(5151, ProcfsParser.ParseUptimeSeconds("5151.87 10100.12\n"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("soon 12.5\n")]
    public void An_uptime_file_without_seconds_is_rejected(string text)
    {
        Assert.Throws<FormatException>(() => ProcfsParser.ParseUptimeSeconds(text));
    }

    [Fact]
    public void A_meminfo_line_without_a_number_is_rejected()
    {
        Assert.Throws<FormatException>(() => ProcfsParser.ParseMemory("MemTotal:\nMemAvailable: 10 kB\n"));
    }

    [Fact]
    public void This_machine_reports_valid_metrics()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "Reads /proc.");
        var reader = new ProcfsHostMetricsReader();

        var metrics = reader.Read();

        Assert.InRange(metrics.CpuPercent, 0, 100);
        Assert.True(metrics.MemoryTotalBytes > 0);
        Assert.InRange(metrics.MemoryAvailableBytes, 0, metrics.MemoryTotalBytes);
        Assert.True(metrics.UptimeSeconds > 0);
    }

    [Fact]
    public void A_process_stat_line_gives_cpu_ticks_threads_and_resident_pages_even_with_a_tricky_name()
    {
        const string line = "4242 (my (odd) svc) S 1 4242 4242 0 -1 4194560 5000 0 0 0 150 50 0 0 20 0 17 0 123456 2000000000 12345 18446744073709551615 1 1 0 0 0 0 0 4096 17642 0 0 0 17 1 0 0 0 0 0\n";

        var stat = ProcfsParser.ParseProcessStat(line);

        Assert.Equal(200UL, stat.CpuTicks);
        Assert.Equal(17, stat.Threads);
        Assert.Equal(12345, stat.ResidentPages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4242 (svc) S 1 2 3")]
    [InlineData("4242 (svc) S 1 4242 4242 0 -1 4194560 5000 0 0 0 x 50 0 0 20 0 17 0 123456 2000000000 12345")]
    public void A_truncated_or_garbled_process_stat_is_refused(string line)
    {
        Assert.Throws<FormatException>(() => ProcfsParser.ParseProcessStat(line));
    }

    [Fact]
    public void The_stat_of_this_very_process_parses()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "/proc exists on Linux only");
        var stat = ProcfsParser.ParseProcessStat(File.ReadAllText($"/proc/{Environment.ProcessId}/stat"));

        Assert.True(stat.Threads >= 1);
        Assert.True(stat.ResidentPages > 0);
    }
}

using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Shared.Tests.Validation;

public sealed class ReportAndEventValidationTests
{
    private static readonly ServiceReport Report = new() { Name = "web", Kind = "process", State = ServiceState.Running, Health = ServiceHealth.Healthy, Reason = "running", ProcessId = 42, CpuPercent = 150 };

    private static readonly AgentHeartbeat Heartbeat = new()
    {
        Sequence = 1,
        Host = new HostMetrics { CpuPercent = 5, MemoryTotalBytes = 100, MemoryAvailableBytes = 50, UptimeSeconds = 1, Volumes = [new VolumeReport { Name = "/", TotalBytes = 100, FreeBytes = 10 }] },
        Services = [Report],
    };

    private static readonly AgentEvent Event = new() { Sequence = 5, OccurredAt = DateTimeOffset.UnixEpoch, Kind = AgentEventKind.ServiceStarted, Service = "web", Message = "started" };

    [Fact]
    public void A_heartbeat_with_services_and_volumes_is_valid()
    {
        Assert.Empty(MessageValidator.Validate(Heartbeat));
    }

    [Fact]
    public void A_windows_service_report_with_its_start_type_and_account_is_valid()
    {
        Assert.Empty(MessageValidator.Validate(Heartbeat with { Services = [Report with { Kind = "windows", StartType = "Automatic", Account = @"NT AUTHORITY\NetworkService" }] }));
    }

    [Fact]
    public void A_heartbeat_whose_services_are_unchanged_is_valid_without_them()
    {
        Assert.Empty(MessageValidator.Validate(Heartbeat with { Services = [], ServicesUnchanged = true }));
    }

    public static TheoryData<AgentHeartbeat, string> BadHeartbeats() => new()
    {
        { Heartbeat with { Services = [Report, Report] }, "services[1].name" },
        { Heartbeat with { Services = [Report with { Name = "" }] }, "services[0].name" },
        { Heartbeat with { Services = [Report with { State = (ServiceState)99 }] }, "services[0].state" },
        { Heartbeat with { Services = [Report with { Health = (ServiceHealth)99 }] }, "services[0].health" },
        { Heartbeat with { Services = [Report with { Reason = new string('r', 513) }] }, "services[0].reason" },
        { Heartbeat with { Services = [Report with { CpuPercent = double.NaN }] }, "services[0].cpuPercent" },
        { Heartbeat with { Services = [Report with { RestartCount = -1 }] }, "services[0].restartCount" },
        { Heartbeat with { Services = [Report with { WorkingSetBytes = -1 }] }, "services[0]" },
        { Heartbeat with { Services = [Report with { StartType = new string('a', 129) }] }, "services[0].startType" },
        { Heartbeat with { Services = [Report with { Account = "" }] }, "services[0].account" },
        { Heartbeat with { Services = [Report with { Account = "DOMAIN\\user\n" }] }, "services[0].account" },
        { Heartbeat with { ServicesUnchanged = true }, "services" },
        { Heartbeat with { Services = [.. Enumerable.Range(0, 129).Select(i => Report with { Name = $"s{i}" })] }, "services" },
        { Heartbeat with { Host = Heartbeat.Host with { Volumes = [new VolumeReport { Name = "/", TotalBytes = 10, FreeBytes = 11 }] } }, "host.volumes[0].freeBytes" },
        { Heartbeat with { Host = Heartbeat.Host with { Volumes = [.. Enumerable.Repeat(Heartbeat.Host.Volumes[0], 33)] } }, "host.volumes" },
    };

    [Theory]
    [MemberData(nameof(BadHeartbeats))]
    public void A_bad_service_or_volume_report_is_named(AgentHeartbeat heartbeat, string field)
    {
        Assert.Contains(MessageValidator.Validate(heartbeat), e => e.Field == field);
    }

    [Fact]
    public void An_event_batch_in_order_is_valid()
    {
        Assert.Empty(MessageValidator.Validate(new AgentEventBatch { Events = [Event, Event with { Sequence = 6 }] }));
    }

    public static TheoryData<AgentEventBatch, string> BadBatches() => new()
    {
        { new AgentEventBatch { Events = [] }, "events" },
        { new AgentEventBatch { Events = [.. Enumerable.Range(1, 101).Select(i => Event with { Sequence = i })] }, "events" },
        { new AgentEventBatch { Events = [Event, Event] }, "events[1].sequence" },
        { new AgentEventBatch { Events = [Event with { Sequence = 0 }] }, "events[0].sequence" },
        { new AgentEventBatch { Events = [Event with { Kind = (AgentEventKind)99 }] }, "events[0].kind" },
        { new AgentEventBatch { Events = [Event with { Message = "" }] }, "events[0].message" },
        { new AgentEventBatch { Events = [Event with { Message = new string('m', 2049) }] }, "events[0].message" },
        { new AgentEventBatch { Events = [Event with { Service = new string('s', 65) }] }, "events[0].service" },
    };

    [Theory]
    [MemberData(nameof(BadBatches))]
    public void A_bad_event_batch_is_named(AgentEventBatch batch, string field)
    {
        Assert.Contains(MessageValidator.Validate(batch), e => e.Field == field);
    }
}

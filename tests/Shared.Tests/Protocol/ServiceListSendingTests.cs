using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Services;

namespace Vigil.Shared.Tests.Protocol;

public sealed class ServiceListSendingTests
{
    private static readonly ServiceReport Web = new()
    {
        Name = "web",
        Kind = "windows",
        State = ServiceState.Running,
        Health = ServiceHealth.Healthy,
        Reason = "running",
        ProcessId = 42,
        CpuPercent = 3.5,
        WorkingSetBytes = 1_000,
        ThreadCount = 12,
        HandleCount = 300,
        StartType = "Automatic",
        Account = "LocalSystem",
    };

    private static readonly ServiceReport Db = Web with { Name = "db", ProcessId = 43 };

    private static readonly HeartbeatAck Ack = new() { Sequence = 1 };

    private static readonly TimeSpan Start = TimeSpan.FromMinutes(5);

    [Fact]
    public void Every_heartbeat_carries_the_list_to_a_control_plane_that_does_not_keep_it()
    {
        var sending = ServiceListSending.After(Accepted(onlyWhenChanged: false)).Acknowledged([Web], Ack, Start);

        Assert.True(sending.MustSend([Web], Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void The_first_heartbeat_after_registering_carries_the_list()
    {
        Assert.True(ServiceListSending.After(Accepted()).MustSend([Web], Start));
    }

    [Fact]
    public void An_acknowledged_list_is_not_sent_again_while_only_the_process_figures_move()
    {
        var sending = Delivered([Web, Db]);

        var moved = Web with { CpuPercent = 80, WorkingSetBytes = 9_000, ThreadCount = 70, HandleCount = 900 };

        Assert.False(sending.MustSend([moved, Db], Start + TimeSpan.FromSeconds(1)));
    }

    public static TheoryData<ServiceReport> Changes() => new()
    {
        Web with { State = ServiceState.StopPending },
        Web with { Health = ServiceHealth.Unhealthy },
        Web with { Reason = "probe failed" },
        Web with { ProcessId = 44 },
        Web with { RestartCount = 1 },
        Web with { StartType = "Manual" },
        Web with { Account = "NT AUTHORITY\\NetworkService" },
        Web with { Kind = "process" },
        Web with { Name = "web2" },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_in_anything_but_the_process_figures_sends_the_list(ServiceReport changed)
    {
        Assert.True(Delivered([Web, Db]).MustSend([changed, Db], Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_service_that_comes_or_goes_sends_the_list()
    {
        var sending = Delivered([Web]);

        Assert.True(sending.MustSend([Web, Db], Start + TimeSpan.FromSeconds(1)));
        Assert.True(sending.MustSend([], Start + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void An_unchanged_list_is_sent_again_once_the_refresh_has_passed()
    {
        var sending = Delivered([Web]);

        Assert.False(sending.MustSend([Web], Start + ServiceListSending.Refresh - TimeSpan.FromMilliseconds(1)));
        Assert.True(sending.MustSend([Web], Start + ServiceListSending.Refresh));
    }

    [Fact]
    public void A_refreshed_list_starts_the_refresh_period_again()
    {
        var refreshedAt = Start + ServiceListSending.Refresh;
        var sending = Delivered([Web]).Acknowledged([Web], Ack, refreshedAt);

        Assert.False(sending.MustSend([Web], refreshedAt + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_changed_list_is_sent_until_a_heartbeat_carrying_it_is_acknowledged()
    {
        var sending = Delivered([Web]);
        var changed = Web with { Health = ServiceHealth.Unhealthy };

        // The heartbeat carrying it went unanswered: nothing is acknowledged, so the next one carries it again.
        Assert.True(sending.MustSend([changed], Start + TimeSpan.FromSeconds(1)));
        Assert.True(sending.MustSend([changed], Start + TimeSpan.FromSeconds(2)));

        var acknowledged = sending.Acknowledged([changed], Ack, Start + TimeSpan.FromSeconds(2));
        Assert.False(acknowledged.MustSend([changed], Start + TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void An_acknowledged_heartbeat_without_the_list_keeps_what_was_delivered()
    {
        var sending = Delivered([Web]);

        var after = sending.Acknowledged(null, Ack, Start + TimeSpan.FromSeconds(1));

        Assert.Same(sending.Delivered, after.Delivered);
        Assert.Equal(Start, after.DeliveredAt);
    }

    [Fact]
    public void The_list_is_sent_when_the_control_plane_asks_for_it()
    {
        var sending = Delivered([Web]).Acknowledged(null, Ack with { SendServices = true }, Start + TimeSpan.FromSeconds(1));

        Assert.True(sending.MustSend([Web], Start + TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_heartbeat_without_the_list_is_empty_and_says_unchanged()
    {
        var heartbeat = Delivered([Web]).Fill(Heartbeat(), [Web], Start + TimeSpan.FromSeconds(1));

        Assert.True(heartbeat.ServicesUnchanged);
        Assert.Empty(heartbeat.Services);
    }

    [Fact]
    public void A_heartbeat_with_the_list_carries_it_and_does_not_say_unchanged()
    {
        IReadOnlyList<ServiceReport> current = [Web, Db];

        var heartbeat = ServiceListSending.After(Accepted()).Fill(Heartbeat(), current, Start);

        Assert.False(heartbeat.ServicesUnchanged);
        Assert.Same(current, heartbeat.Services);
    }

    private static ServiceListSending Delivered(IReadOnlyList<ServiceReport> services) =>
        ServiceListSending.After(Accepted()).Acknowledged(services, Ack, Start);

    private static RegistrationAccepted Accepted(bool onlyWhenChanged = true) => new()
    {
        NodeId = Guid.NewGuid(),
        ProtocolVersion = ProtocolVersions.Current,
        ServicesOnlyWhenChanged = onlyWhenChanged,
    };

    private static AgentHeartbeat Heartbeat() => new()
    {
        Sequence = 1,
        Host = new HostMetrics { CpuPercent = 1, MemoryTotalBytes = 100, MemoryAvailableBytes = 50, UptimeSeconds = 1 },
    };
}

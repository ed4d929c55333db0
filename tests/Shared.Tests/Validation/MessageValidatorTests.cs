using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Validation;

namespace Vigil.Shared.Tests.Validation;

public sealed class MessageValidatorTests
{
    private static readonly AgentRegistration ValidRegistration = new()
    {
        ProtocolVersion = ProtocolVersions.Current,
        NodeId = Guid.Parse("0b7e7c55-1d2a-4c8e-9a51-6d1f4a3b2c10"),
        NodeName = "web-01.example.com",
        AgentVersion = "1.2.3",
        OperatingSystem = "Microsoft Windows 10.0.20348",
        ProcessorCount = 8,
        HeartbeatIntervalMs = 1000,
        Labels = new Dictionary<string, string> { ["site"] = "ams", ["role"] = "" },
    };

    private static readonly AgentHeartbeat ValidHeartbeat = new()
    {
        Sequence = 1,
        Host = new HostMetrics { CpuPercent = 0, MemoryTotalBytes = 16L << 30, MemoryAvailableBytes = 16L << 30, UptimeSeconds = 0 },
    };

    [Fact]
    public void Valid_messages_pass()
    {
        Assert.Empty(MessageValidator.Validate(ValidRegistration));
        Assert.Empty(MessageValidator.Validate(ValidHeartbeat));
    }

    public static TheoryData<AgentRegistration, string> BadRegistrations() => new()
    {
        { ValidRegistration with { NodeId = Guid.Empty }, "nodeId" },
        { ValidRegistration with { NodeName = null! }, "nodeName" },
        { ValidRegistration with { NodeName = "  " }, "nodeName" },
        { ValidRegistration with { NodeName = new string('n', MessageLimits.NodeNameMaxLength + 1) }, "nodeName" },
        { ValidRegistration with { NodeName = "web\u000701" }, "nodeName" },
        { ValidRegistration with { AgentVersion = "" }, "agentVersion" },
        { ValidRegistration with { AgentVersion = new string('1', MessageLimits.AgentVersionMaxLength + 1) }, "agentVersion" },
        { ValidRegistration with { OperatingSystem = null! }, "operatingSystem" },
        { ValidRegistration with { ProcessorCount = 0 }, "processorCount" },
        { ValidRegistration with { ProcessorCount = MessageLimits.ProcessorCountMax + 1 }, "processorCount" },
        { ValidRegistration with { HeartbeatIntervalMs = MessageLimits.HeartbeatIntervalMinMs - 1 }, "heartbeatIntervalMs" },
        { ValidRegistration with { HeartbeatIntervalMs = MessageLimits.HeartbeatIntervalMaxMs + 1 }, "heartbeatIntervalMs" },
        { ValidRegistration with { Labels = new Dictionary<string, string> { ["bad key!"] = "x" } }, "labels" },
        { ValidRegistration with { Labels = new Dictionary<string, string> { [new string('k', 64)] = "x" } }, "labels" },
        { ValidRegistration with { Labels = new Dictionary<string, string> { ["k"] = new string('v', 257) } }, "labels.k" },
        { ValidRegistration with { Labels = Enumerable.Range(0, 33).ToDictionary(i => $"k{i}", _ => "v") }, "labels" },
        { ValidRegistration with { InstalledServices = [.. Enumerable.Range(0, MessageLimits.InstalledServiceCountMax + 1).Select(i => new InstalledService { Name = $"s{i}" })] }, "installedServices" },
        { ValidRegistration with { InstalledServices = [new() { Name = "" }] }, "installedServices[0].name" },
        { ValidRegistration with { InstalledServices = [new() { Name = "ok" }, new() { Name = new string('s', MessageLimits.InstalledServiceNameMaxLength + 1) }] }, "installedServices[1].name" },
        { ValidRegistration with { InstalledServices = [new() { Name = "ok", DisplayName = "bell\u0007" }] }, "installedServices[0].displayName" },
        { ValidRegistration with { InstalledServices = [null!] }, "installedServices[0]" },
    };

    [Theory]
    [MemberData(nameof(BadRegistrations))]
    public void A_registration_field_out_of_bounds_is_named(AgentRegistration registration, string field)
    {
        var errors = MessageValidator.Validate(registration);

        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        var atLimits = ValidRegistration with
        {
            NodeName = new string('n', MessageLimits.NodeNameMaxLength),
            ProcessorCount = MessageLimits.ProcessorCountMax,
            HeartbeatIntervalMs = MessageLimits.HeartbeatIntervalMinMs,
            Labels = Enumerable.Range(0, MessageLimits.LabelCountMax).ToDictionary(i => $"k{i}", _ => new string('v', MessageLimits.LabelValueMaxLength)),
            InstalledServices = [.. Enumerable.Range(0, MessageLimits.InstalledServiceCountMax).Select(i => new InstalledService
            {
                Name = $"{i}{new string('s', MessageLimits.InstalledServiceNameMaxLength - 4)}",
                DisplayName = new string('d', MessageLimits.InstalledServiceNameMaxLength),
            })],
        };

        Assert.Empty(MessageValidator.Validate(atLimits));
    }

    public static TheoryData<AgentHeartbeat, string> BadHeartbeats() => new()
    {
        { ValidHeartbeat with { Sequence = 0 }, "sequence" },
        { ValidHeartbeat with { Host = null! }, "host" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { CpuPercent = -0.1 } }, "host.cpuPercent" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { CpuPercent = 100.1 } }, "host.cpuPercent" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { CpuPercent = double.NaN } }, "host.cpuPercent" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { CpuPercent = double.PositiveInfinity } }, "host.cpuPercent" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { MemoryTotalBytes = 0 } }, "host.memoryTotalBytes" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { MemoryTotalBytes = MessageLimits.MemoryBytesMax + 1 } }, "host.memoryTotalBytes" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { MemoryAvailableBytes = -1 } }, "host.memoryAvailableBytes" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { MemoryAvailableBytes = (16L << 30) + 1 } }, "host.memoryAvailableBytes" },
        { ValidHeartbeat with { Host = ValidHeartbeat.Host with { UptimeSeconds = -5 } }, "host.uptimeSeconds" },
    };

    [Theory]
    [MemberData(nameof(BadHeartbeats))]
    public void A_heartbeat_field_out_of_bounds_is_named(AgentHeartbeat heartbeat, string field)
    {
        var errors = MessageValidator.Validate(heartbeat);

        Assert.Contains(errors, e => e.Field == field);
    }

    [Fact]
    public void Missing_messages_are_refused()
    {
        Assert.Equal("registration", Assert.Single(MessageValidator.Validate((AgentRegistration?)null)).Field);
        Assert.Equal("heartbeat", Assert.Single(MessageValidator.Validate((AgentHeartbeat?)null)).Field);
    }

    [Fact]
    public void The_description_names_every_broken_field()
    {
        var errors = MessageValidator.Validate(ValidRegistration with { NodeName = "", ProcessorCount = 0 });

        var text = MessageValidator.Describe("registration", errors);

        Assert.StartsWith("Invalid registration: ", text, StringComparison.Ordinal);
        Assert.Contains("nodeName: must not be empty", text, StringComparison.Ordinal);
        Assert.Contains("processorCount: must be between 1 and 4096 (was 0)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_current_protocol_version_is_supported_and_described()
    {
        Assert.True(ProtocolVersions.IsSupported(ProtocolVersions.Current));
        Assert.False(ProtocolVersions.IsSupported(ProtocolVersions.Current + 1));
        Assert.Contains(ProtocolVersions.Current.ToString(System.Globalization.CultureInfo.InvariantCulture), ProtocolVersions.Describe(), StringComparison.Ordinal);
    }
}

using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Vigil.Shared.Commands;
using Vigil.Shared.Hubs;
using Vigil.Shared.Messages;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Connection;

/// <summary>
/// The agent serializes hub messages with source-generated metadata only; the control plane's JSON
/// protocol reads them. Both must write the same JSON as SignalR's reflection-based defaults.
/// </summary>
public sealed class AgentHubJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new JsonHubProtocolOptions().PayloadSerializerOptions;

    private static readonly JsonSerializerOptions Generated = new(new JsonHubProtocolOptions().PayloadSerializerOptions)
    {
        TypeInfoResolver = AgentHubJson.Default,
    };

    public static TheoryData<string> Messages() => [.. Samples().Keys];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_hub_message_is_written_as_reflection_writes_it_and_reads_back_the_same(string message)
    {
        var value = Samples()[message];

        var generated = JsonSerializer.Serialize(value, value.GetType(), Generated);
        var expected = JsonSerializer.Serialize(value, value.GetType(), Reflection);
        var readBack = JsonSerializer.Deserialize(expected, value.GetType(), Generated);

        Assert.Equal(expected, generated);
        Assert.Equal(expected, JsonSerializer.Serialize(readBack, value.GetType(), Generated));
    }

    [Fact]
    public void Names_are_camelCase_enums_are_numbers_and_durations_are_texts()
    {
        var json = JsonSerializer.Serialize((DesiredConfiguration)Samples()[nameof(DesiredConfiguration)], Generated);
        var heartbeat = JsonSerializer.Serialize((AgentHeartbeat)Samples()[nameof(AgentHeartbeat)], Generated);

        Assert.Contains("\"stopTimeout\":\"00:00:15\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":3,\"health\":2", heartbeat, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_argument_and_result_of_the_agent_hub_has_generated_metadata()
    {
        var types = typeof(IAgentHub).GetMethods().Concat(typeof(IAgentClient).GetMethods())
            .SelectMany(method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType))
            .Select(type => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Task<>) ? type.GetGenericArguments()[0] : type)
            .Where(type => type != typeof(Task))
            .Distinct()
            .ToList();

        Assert.NotEmpty(types);
        Assert.All(types, type => Assert.NotNull(AgentHubJson.Default.GetTypeInfo(type)));
        Assert.All(types, type => Assert.Contains(type.Name, Samples().Keys));
    }

    private static Dictionary<string, object> Samples()
    {
        var group = Guid.Parse("6f1c2a57-0d7e-4c1e-9b8a-3f2d1e0c9b8a");
        var terms = new RoleTerms { Version = 3, Isolation = IsolationPolicy.KeepRunning, LocalRestarts = 2, LocalRestartWindowMs = 60_000 };
        var definition = new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            Arguments = ["--port", "8080"],
            Environment = new() { ["MODE"] = "production" },
            Priority = ProcessPriorities.BelowNormal,
            Affinity = [0, 1],
            StopTimeout = TimeSpan.FromSeconds(15),
            Logs = new ServiceLogSettings { Directory = "/var/log/web", RollDaily = true },
            Restart = new RestartSettings { Enabled = true, InitialDelay = TimeSpan.FromSeconds(1), Multiplier = 2, MaxRestarts = 5 },
            Probes = [new ProbeDefinition { Kind = ProbeKinds.Http, Url = "http://127.0.0.1:8080/health", BodyContains = "ok" }],
            Hooks = new RoleHooks { OnActivate = ["/opt/web/activate"], Timeout = TimeSpan.FromSeconds(5) },
        };
        object[] messages =
        [
            new AgentRegistration
            {
                ProtocolVersion = 1, NodeId = Guid.Parse("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), NodeName = "node-1",
                AgentVersion = "0.1.0", OperatingSystem = "Linux", ProcessorCount = 2, HeartbeatIntervalMs = 1000,
                InstanceId = Guid.Parse("9c5b94b1-35ad-49bb-b118-8e8fc24abf80"),
                Labels = new Dictionary<string, string> { ["Rack"] = "a-1" },
                RemoteExecution = new RemoteExecutionPolicy { AllowedFolders = ["/opt/web"] },
            },
            new RegistrationAccepted
            {
                NodeId = group, ProtocolVersion = 1, ConfigVersion = 7, LastEventSequence = 41,
                Memberships = [new GroupMembership { GroupId = group, GroupName = "web", Service = "web" }],
            },
            new AgentHeartbeat
            {
                Sequence = 12,
                Host = new HostMetrics
                {
                    CpuPercent = 12.5, MemoryTotalBytes = 8L << 30, MemoryAvailableBytes = 4L << 30, UptimeSeconds = 3600,
                    Volumes = [new VolumeReport { Name = "/", TotalBytes = 100L << 30, FreeBytes = 50L << 30 }],
                },
                Services =
                [
                    new ServiceReport
                    {
                        Name = "web", Kind = ServiceKinds.Process, State = ServiceState.Running, Health = ServiceHealth.Degraded,
                        Reason = "probe http-0 failed once", ProcessId = 4242, RestartCount = 1, CpuPercent = 0.5, WorkingSetBytes = 1 << 20,
                        ThreadCount = 9,
                    },
                ],
                Roles = [new RoleReport { GroupId = group, Service = "web", Epoch = 4, Active = true, HoldsLease = true, ServiceUp = true, TermsVersion = 3, Isolation = IsolationPolicy.KeepRunning }],
            },
            new HeartbeatAck { Sequence = 12, Leases = [new LeaseRenewal { GroupId = group, Epoch = 4, LeaseMs = 3000, Terms = terms }] },
            new AgentEventBatch
            {
                Events =
                [
                    new AgentEvent { Sequence = 42, OccurredAt = new DateTimeOffset(2026, 12, 7, 14, 0, 0, TimeSpan.FromHours(1)), Kind = AgentEventKind.ServiceExited, Service = "web", Message = "exited with code 3", ExitCode = 3 },
                ],
            },
            new EventsAck { UpTo = 42 },
            new DesiredConfiguration { Version = 7, Services = [definition] },
            new AgentStoppingNotice { Reason = "the agent was asked to stop" },
            new CommandOutcome { CommandId = group, Succeeded = false, Message = "no service named \"web\"" },
            new ConfigChangedNotice { ConfigVersion = 8 },
            new AgentCommand
            {
                Id = group, Kind = CommandKind.Activate, Service = "web", TimeoutMs = 30_000,
                Role = new RoleGrant { GroupId = group, GroupName = "web", Epoch = 5, LeaseMs = 3000, Terms = terms },
            },
        ];
        return messages.ToDictionary(message => message.GetType().Name);
    }
}

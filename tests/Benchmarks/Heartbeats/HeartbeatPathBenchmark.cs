using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vigil.Benchmarks.Simulator;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Health;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Messages;
using Vigil.Shared.Protocol;
using Vigil.Shared.Validation;

namespace Vigil.Benchmarks.Heartbeats;

/// <summary>
/// The control plane's work for one heartbeat, step by step, in one process: reading the MessagePack
/// frame, validating it, recording it in the <see cref="NodeRegistry"/>, and the alert filter's
/// comparison, for heartbeats with no services, with 10, and with 10 said to be unchanged. The services are the simulator's, so the figures match what the agent simulator sends.
///   dotnet Vigil.Benchmarks.dll heartbeat-path [BenchmarkDotNet options, e.g. --filter *Parse*]
/// </summary>
[MemoryDiagnoser]
[Config(typeof(InProcess))]
public class HeartbeatPathBenchmark
{
    private const int Nodes = 64;
    private readonly MessagePackHubProtocol _protocol = new();
    private readonly HeartbeatBinder _binder = new();
    private readonly Guid[] _nodeIds = [.. Enumerable.Range(0, Nodes).Select(_ => Guid.NewGuid())];
    private byte[][] _frames = [];
    private AgentHeartbeat[] _heartbeats = [];
    private NodeRegistry _registry = null!;
    private HeartbeatSignals _signals = null!;
    private int _next;

    /// <summary>What the heartbeats carry: no services, 10 services, or 10 services the agent says are unchanged.</summary>
    [Params("none", "10", "10 unchanged")]
    public string Services { get; set; } = "10";

    public static int Run(string[] args)
    {
        BenchmarkSwitcher.FromTypes([typeof(HeartbeatPathBenchmark)]).Run(args);
        return 0;
    }

    [GlobalSetup]
    public void Setup()
    {
        var count = Services == "none" ? 0 : 10;
        var full = _nodeIds.Select(_ => Heartbeat(new SimulatedServices(count), 1)).ToArray();
        _heartbeats = Services == "10 unchanged" ? [.. full.Select(h => h with { Sequence = 2, Services = [], ServicesUnchanged = true })] : full;
        _frames = [.. _heartbeats.Select(Frame)];
        _registry = new NodeRegistry(TimeProvider.System, Options.Create(new LivenessPolicy()), new NodeJournal(), new NodeChangeFeed(TimeProvider.System, TimeSpan.FromMilliseconds(250)), NullLogger<NodeRegistry>.Instance);
        _signals = new HeartbeatSignals(TimeSpan.FromSeconds(15));
        foreach (var id in _nodeIds)
        {
            _registry.Register(new AgentRegistration
            {
                ProtocolVersion = ProtocolVersions.Current,
                NodeId = id,
                NodeName = $"bench-{id}",
                AgentVersion = "0",
                OperatingSystem = "bench",
                ProcessorCount = 4,
                HeartbeatIntervalMs = 1000,
            }, id.ToString());
        }

        // The list the unchanged heartbeats refer to, as the first heartbeat after registering carries it.
        for (var node = 0; node < Nodes; node++)
        {
            _registry.TryRecordHeartbeat(_nodeIds[node], _nodeIds[node].ToString(), full[node], out _);
            _signals.Observe(_nodeIds[node], "bench", full[node], DateTimeOffset.UnixEpoch);
        }
    }

    [Benchmark]
    public HubMessage? Parse()
    {
        var frame = new ReadOnlySequence<byte>(_frames[Next()]);
        _protocol.TryParseMessage(ref frame, _binder, out var message);
        return message;
    }

    [Benchmark]
    public int Validate() => MessageValidator.Validate(_heartbeats[Next()]).Count;

    [Benchmark]
    public bool Record()
    {
        var node = Next();
        return _registry.TryRecordHeartbeat(_nodeIds[node], _nodeIds[node].ToString(), _heartbeats[node], out _);
    }

    [Benchmark]
    public int ObserveForAlerts()
    {
        var node = Next();
        return _signals.Observe(_nodeIds[node], "bench", _heartbeats[node], DateTimeOffset.UnixEpoch).Count;
    }

    private int Next() => _next = (_next + 1) % Nodes;

    private byte[] Frame(AgentHeartbeat heartbeat)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _protocol.WriteMessage(new InvocationMessage("1", "Heartbeat", [heartbeat]), buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static AgentHeartbeat Heartbeat(SimulatedServices services, long sequence) => new()
    {
        Sequence = sequence,
        Host = new HostMetrics { CpuPercent = 12.5, MemoryTotalBytes = 16L << 30, MemoryAvailableBytes = 9L << 30, UptimeSeconds = 86_400 },
        Services = services.Next(),
    };

    private sealed class InProcess : ManualConfig
    {
        public InProcess() => AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance));
    }

    private sealed class HeartbeatBinder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(AgentHeartbeat)];

        public Type GetReturnType(string invocationId) => typeof(HeartbeatAck);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}

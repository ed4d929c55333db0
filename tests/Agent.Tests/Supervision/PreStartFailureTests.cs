using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Events;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision;

/// <summary>A PreStart that keeps failing spends the restart budget as failed starts do, with real processes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PreStartFailureTests : IAsyncDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly EventOutbox _outbox;
    private readonly HttpClient _http = new();

    public PreStartFailureTests() => _outbox = new EventOutbox(_folder.Path, TimeProvider.System, NullLogger<EventOutbox>.Instance);

    public async ValueTask DisposeAsync()
    {
        await Task.CompletedTask;
        StrayProcesses.KillMentioning(_folder.Path);
        _http.Dispose();
        _outbox.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_PreStart_that_keeps_failing_counts_as_failed_starts_until_the_service_is_Failed_and_never_launches_it()
    {
        var launched = _folder.File("launched");
        var definition = new ManagedServiceDefinition
        {
            Name = "app",
            Kind = ServiceKinds.Process,
            Executable = "/bin/sh",
            Arguments = ["-c", $"touch '{launched}'; exec sleep 30"],
            PreStart = new LifecycleHook { Executable = "/bin/sh", Arguments = ["-c", "echo database unreachable; exit 1"] },
            Restart = new RestartSettings { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(100), Jitter = 0, MaxRestarts = 2 },
        };
        var manager = new ProcessServiceManager(definition, ServiceFolders.For(_folder.Path, definition.Name, null), new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance);
        await using var service = new SupervisedService(
            definition,
            new SourcedDefinition(definition, "Agent:Services:0"),
            RestartPolicy.Resolve(null, definition.Restart),
            manager,
            new AgentEvents(_outbox, NullLogger<AgentEvents>.Instance),
            _http,
            new NoRoles(),
            TimeProvider.System,
            NullLogger.Instance);
        service.Start();

        var failed = await service.WaitForReportAsync(r => r.Health == ServiceHealth.Failed, TestContext.Current.CancellationToken).WaitAsync(Eventually.DefaultTimeout, TestContext.Current.CancellationToken);

        Assert.Contains("could not start: PreStart hook '/bin/sh' exited with code 1", failed.Reason, StringComparison.Ordinal);
        Assert.Contains("(Agent:Services:0:PreStart)", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(3, _outbox.Peek(1000).Count(e => e.Kind == AgentEventKind.ServiceExited && e.Message.Contains("PreStart hook", StringComparison.Ordinal)));
        Assert.False(File.Exists(launched));
    }
}

using Vigil.ControlPlane.Components.Nodes;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Components.Nodes;

public sealed class ServiceDraftTests
{
    [Fact]
    public void A_definition_edited_without_changes_comes_back_as_it_was_fields_the_form_does_not_show_included()
    {
        var definition = new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            Arguments = ["--port", "8080", "--name", "two words"],
            WorkingDirectory = "/opt/web",
            Environment = new() { ["MODE"] = "production", ["EMPTY"] = "" },
            StopTimeout = TimeSpan.FromSeconds(3),
            StartupGrace = TimeSpan.FromSeconds(7),
            StartDelay = TimeSpan.FromMinutes(2),
            PreStart = new LifecycleHook { Executable = "/opt/web/migrate", Arguments = ["--wait"], Timeout = TimeSpan.FromMinutes(1) },
            PostStop = new LifecycleHook { Executable = "/opt/web/deregister" },
            Hooks = new RoleHooks { OnActivate = ["/opt/hooks/up"] },
            Restart = new RestartSettings { Enabled = true, InitialDelay = TimeSpan.FromMilliseconds(500), Multiplier = 1.5, MaxDelay = TimeSpan.FromMinutes(1), MaxRestarts = 4, Window = TimeSpan.FromMinutes(10), Jitter = 0.2 },
            Probes = [new ProbeDefinition { Kind = ProbeKinds.Http, Url = "http://127.0.0.1:8080/health", Interval = TimeSpan.FromMilliseconds(500), Timeout = TimeSpan.FromMilliseconds(250), Rise = 1 }],
        };

        var edited = ServiceDraft.From(definition).ToDefinition();

        Assert.Empty(DefinitionDiff.Between(definition, edited));
    }

    [Fact]
    public void A_process_service_turned_into_a_windows_service_leaves_its_lifecycle_hooks_behind()
    {
        var draft = ServiceDraft.From(new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            PreStart = new LifecycleHook { Executable = "/opt/web/migrate" },
            PostStart = new LifecycleHook { Executable = "/opt/web/register" },
            PostStop = new LifecycleHook { Executable = "/opt/web/deregister" },
        });
        draft.Kind = ServiceKinds.Windows;
        draft.ServiceName = "W3SVC";

        var edited = draft.ToDefinition();

        Assert.Equal((null, null, null), (edited.PreStart, edited.PostStart, edited.PostStop));
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(edited));
    }

    [Fact]
    public void Arguments_are_one_per_line_and_the_fields_of_the_other_kind_are_left_out()
    {
        var draft = new ServiceDraft
        {
            Name = " api ",
            Kind = ServiceKinds.Process,
            Executable = "/opt/api/api",
            Arguments = "--port\r\n9090\n\n--verbose",
            ServiceName = "left over",
            Environment = [new VariableDraft { Name = "A", Value = "1" }, new VariableDraft()],
            RestartMaxRestarts = 2,
        };

        var process = draft.ToDefinition();
        draft.Kind = ServiceKinds.Windows;
        draft.ServiceName = "W3SVC";
        var windows = draft.ToDefinition();

        Assert.Equal("api", process.Name);
        Assert.Equal(["--port", "9090", "--verbose"], process.Arguments);
        Assert.Null(process.ServiceName);
        Assert.Equal(new Dictionary<string, string> { ["A"] = "1" }, process.Environment);
        Assert.Equal(2, process.Restart.MaxRestarts);
        Assert.Null(process.Restart.InitialDelay);
        Assert.Equal("W3SVC", windows.ServiceName);
        Assert.Null(windows.Executable);
        Assert.Empty(windows.Arguments);
        Assert.Empty(windows.Environment);
    }

    [Fact]
    public void A_probe_keeps_only_the_fields_of_its_kind_with_durations_in_seconds()
    {
        var probe = new ProbeDraft { Kind = ProbeKinds.Tcp, Host = "127.0.0.1", Port = 5432, Url = "http://left.over/", IntervalSeconds = 0.5, TimeoutSeconds = 0.25 };

        var definition = probe.ToDefinition();

        Assert.Equal("127.0.0.1", definition.Host);
        Assert.Equal(5432, definition.Port);
        Assert.Null(definition.Url);
        Assert.Equal(TimeSpan.FromMilliseconds(500), definition.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), definition.Timeout);
    }
}

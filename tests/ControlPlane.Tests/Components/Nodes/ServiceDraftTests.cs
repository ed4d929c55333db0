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
    public void A_definition_with_every_process_option_set_comes_back_as_it_was()
    {
        var definition = new ManagedServiceDefinition
        {
            Name = "web",
            Kind = "Process",
            Executable = "/opt/web/web",
            Arguments = ["--name", "", "last"],
            Priority = "aboveNormal",
            Affinity = [3, 0, 1],
            StartDelay = TimeSpan.FromTicks(1_234_567_891),
            PreStart = new LifecycleHook { Executable = "/opt/web/migrate", Arguments = ["--wait", ""], WorkingDirectory = "/opt/web/db", Timeout = TimeSpan.FromTicks(45_000_000_001) },
            PostStart = new LifecycleHook { Executable = "/opt/web/register", Arguments = ["--port", "8080"], WorkingDirectory = "/opt/web", Timeout = TimeSpan.FromSeconds(5) },
            PostStop = new LifecycleHook { Executable = "/opt/web/deregister", Timeout = TimeSpan.FromMinutes(2) },
            Logs = new ServiceLogSettings { Directory = "/var/log/web", MaxFileBytes = 3_000_001, MaxFiles = 12, RollDaily = true, KeepDays = 90 },
        };

        var draft = ServiceDraft.From(definition);
        var edited = draft.ToDefinition();

        Assert.Empty(DefinitionDiff.Between(definition, edited));
        Assert.Equal(definition.StartDelay, edited.StartDelay);
        Assert.Equal(definition.PreStart.Timeout, edited.PreStart!.Timeout);
        Assert.Equal(definition.Logs.MaxFileBytes, edited.Logs.MaxFileBytes);
        Assert.Equal(ProcessPriorities.AboveNormal, draft.Priority);
    }

    [Fact]
    public void A_new_service_without_options_sends_none_and_the_records_defaults()
    {
        var draft = new ServiceDraft { Name = "web", Kind = ServiceKinds.Process, Executable = "/opt/web/web" };

        var definition = draft.ToDefinition();

        Assert.Equal((null, null, null), (definition.PreStart, definition.PostStart, definition.PostStop));
        Assert.Null(definition.Priority);
        Assert.Empty(definition.Affinity);
        Assert.Equal(TimeSpan.Zero, definition.StartDelay);
        Assert.Equal(new ServiceLogSettings(), definition.Logs);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(definition));
    }

    [Fact]
    public void A_definition_without_options_loaded_into_the_form_stays_without_them()
    {
        var definition = new ManagedServiceDefinition { Name = "web", Kind = ServiceKinds.Process, Executable = "/opt/web/web" };

        var draft = ServiceDraft.From(definition);
        var edited = draft.ToDefinition();

        Assert.True(draft.PreStart.IsEmpty && draft.PostStart.IsEmpty && draft.PostStop.IsEmpty);
        Assert.Empty(DefinitionDiff.Between(definition, edited));
        Assert.Equal((null, null, null), (edited.PreStart, edited.PostStart, edited.PostStop));
    }

    [Fact]
    public void Options_entered_in_the_form_become_the_definitions_hooks_priority_processors_delay_and_logs()
    {
        var draft = new ServiceDraft
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            Priority = ProcessPriorities.High,
            Affinity = [2, 0],
            StartDelaySeconds = 90,
            PreStart = new HookDraft { Executable = " /opt/web/migrate ", Arguments = "--wait\r\n\n--verbose", WorkingDirectory = " ", TimeoutSeconds = 12.5 },
            LogMaxFileMebibytes = 0.5,
            LogMaxFiles = 3,
            LogRollDaily = true,
            LogKeepDays = 7,
        };

        var definition = draft.ToDefinition();

        var hook = Assert.IsType<LifecycleHook>(definition.PreStart);
        Assert.Equal(("/opt/web/migrate", null, TimeSpan.FromSeconds(12.5)), (hook.Executable, hook.WorkingDirectory, hook.Timeout));
        Assert.Equal(["--wait", "--verbose"], hook.Arguments);
        Assert.Null(definition.PostStart);
        Assert.Equal(ProcessPriorities.High, definition.Priority);
        Assert.Equal([0, 2], definition.Affinity);
        Assert.Equal(TimeSpan.FromSeconds(90), definition.StartDelay);
        Assert.Equal(new ServiceLogSettings { MaxFileBytes = 512 * 1024, MaxFiles = 3, RollDaily = true, KeepDays = 7 }, definition.Logs);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(definition));
    }

    [Fact]
    public void A_hook_whose_fields_are_emptied_is_removed_and_one_without_executable_is_sent_for_the_validator_to_name()
    {
        var draft = ServiceDraft.From(new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            PreStart = new LifecycleHook { Executable = "/opt/web/migrate", Arguments = ["--wait"] },
            PostStop = new LifecycleHook { Executable = "/opt/web/deregister" },
        });
        (draft.PreStart.Executable, draft.PreStart.Arguments) = ("", null);
        draft.PostStop.Executable = null;
        draft.PostStop.Arguments = "--all";
        draft.PostStop.TimeoutSeconds = 700;

        var definition = draft.ToDefinition();
        var errors = Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(definition).Select(e => Vigil.ControlPlane.Configurations.ConfigurationsApi.JsonPathOf(e.Field));

        Assert.Null(definition.PreStart);
        Assert.Equal(["--all"], definition.PostStop!.Arguments);
        Assert.Equal(["postStop.executable", "postStop.timeout"], errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fields_left_empty_give_values_the_validator_refuses_on_those_fields()
    {
        var draft = new ServiceDraft { Name = "web", Kind = ServiceKinds.Process, Executable = "/opt/web/web", LogMaxFileMebibytes = null, LogMaxFiles = null, LogKeepDays = null, Priority = "Realtime", Affinity = [64] };

        var errors = Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(draft.ToDefinition()).Select(e => Vigil.ControlPlane.Configurations.ConfigurationsApi.JsonPathOf(e.Field));

        Assert.Equal(["affinity", "logs.keepDays", "logs.maxFileBytes", "logs.maxFiles", "priority"], errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_windows_service_keeps_its_start_delay_and_leaves_the_process_options_out()
    {
        var draft = ServiceDraft.From(new ManagedServiceDefinition
        {
            Name = "web",
            Kind = ServiceKinds.Process,
            Executable = "/opt/web/web",
            Priority = ProcessPriorities.High,
            Affinity = [1],
            StartDelay = TimeSpan.FromMinutes(2),
            Logs = new ServiceLogSettings { MaxFiles = 9 },
        });
        draft.Kind = ServiceKinds.Windows;
        draft.ServiceName = "W3SVC";

        var edited = draft.ToDefinition();

        Assert.Equal(TimeSpan.FromMinutes(2), edited.StartDelay);
        Assert.Null(edited.Priority);
        Assert.Empty(edited.Affinity);
        Assert.Equal(new ServiceLogSettings(), edited.Logs);
    }

    [Theory]
    [InlineData(new int[0], "")]
    [InlineData(new[] { 5 }, "5")]
    [InlineData(new[] { 3, 0, 1, 2, 6, 8, 9 }, "0-3, 6, 8-9")]
    public void Processors_are_shown_in_ranges(int[] processors, string shown) =>
        Assert.Equal(shown, ProcessorRanges.Of(processors));

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

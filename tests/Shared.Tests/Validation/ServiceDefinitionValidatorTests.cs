using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Shared.Tests.Validation;

public sealed class ServiceDefinitionValidatorTests
{
    private static readonly ManagedServiceDefinition Process = new()
    {
        Name = "web",
        Kind = ServiceKinds.Process,
        Executable = "/opt/web/web",
        Arguments = ["--port", "8080"],
        Probes = [new ProbeDefinition { Kind = ProbeKinds.Http, Url = "http://127.0.0.1:8080/health" }],
    };

    private static readonly ManagedServiceDefinition Windows = new() { Name = "spooler", Kind = ServiceKinds.Windows, ServiceName = "Spooler" };

    [Fact]
    public void Valid_definitions_of_each_kind_pass()
    {
        Assert.Empty(ServiceDefinitionValidator.Validate(Process));
        Assert.Empty(ServiceDefinitionValidator.Validate(Windows));
        Assert.Empty(ServiceDefinitionValidator.Validate(Process with { Kind = "PROCESS" }));
    }

    public static TheoryData<ManagedServiceDefinition, string, string> Broken() => new()
    {
        { Process with { Name = "" }, "Name", "must be 1 to 64 characters" },
        { Process with { Name = "has space" }, "Name", "letters, digits" },
        { Process with { Kind = "mystery" }, "Kind", "must be 'process' or 'windows' (was 'mystery')" },
        { Process with { Executable = null }, "Executable", "is required" },
        { Process with { StopTimeout = TimeSpan.Zero }, "StopTimeout", "must be positive" },
        { Process with { Arguments = [.. Enumerable.Repeat("x", 65)] }, "Arguments", "at most 64" },
        { Process with { Environment = new() { ["A=B"] = "1" } }, "Environment", "without '='" },
        { Process with { Logs = new ServiceLogSettings { MaxFiles = 0 } }, "Logs:MaxFiles", "between 1 and 100" },
        { Process with { Logs = new ServiceLogSettings { RollDaily = true, KeepDays = 0 } }, "Logs:KeepDays", "between 1 and 3650" },
        { Process with { Priority = "RealTime" }, "Priority", "must be one of Idle, BelowNormal, Normal, AboveNormal, High (was 'RealTime')" },
        { Process with { Affinity = [0, 64] }, "Affinity", "distinct processor indexes from 0 to 63 (was [0, 64])" },
        { Process with { Affinity = [1, 1] }, "Affinity", "distinct processor indexes" },
        { Process with { StartupGrace = TimeSpan.FromSeconds(-1) }, "StartupGrace", "between 00:00:00 and 01:00:00" },
        { Windows with { StartDelay = TimeSpan.FromHours(2) }, "StartDelay", "between 00:00:00 and 01:00:00 (was 02:00:00)" },
        { Process with { PreStart = new LifecycleHook() }, "PreStart:Executable", "is required" },
        { Process with { PostStart = new LifecycleHook { Executable = "/opt/web/notify", Timeout = TimeSpan.Zero } }, "PostStart:Timeout", "must be positive and at most 00:10:00" },
        { Process with { PostStop = new LifecycleHook { Executable = "/opt/web/clean", Arguments = [new string('a', 4097)] } }, "PostStop:Arguments:0", "at most 4096" },
        { Windows with { PreStart = new LifecycleHook { Executable = "C:\\prepare.cmd" } }, "PreStart", "is for 'process' services only" },
        { Windows with { ServiceName = " " }, "ServiceName", "must not be empty" },
        { Windows with { OperationTimeout = TimeSpan.Zero }, "OperationTimeout", "must be positive" },
        { Process with { Restart = new RestartSettings { InitialDelay = TimeSpan.FromSeconds(-1) } }, "Restart:InitialDelay", "must be positive" },
        { Process with { Restart = new RestartSettings { InitialDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(5) } }, "Restart:MaxDelay", "must not be shorter" },
        { Process with { Restart = new RestartSettings { Multiplier = 0.5 } }, "Restart:Multiplier", "between 1 and 100" },
        { Process with { Restart = new RestartSettings { Jitter = 1 } }, "Restart:Jitter", "below 1" },
        { Process with { Restart = new RestartSettings { MaxRestarts = -1 } }, "Restart:MaxRestarts", "between 0 and 1000" },
        { Process with { Probes = [new ProbeDefinition { Kind = "ping" }] }, "Probes:0:Kind", "must be 'http', 'tcp' or 'command'" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Http, Url = "not a url" }] }, "Probes:0:Url", "absolute http or https URL" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Http, Url = "http://x/", ExpectedStatus = "600" }] }, "Probes:0:ExpectedStatus", "range such as 200-399" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Tcp, Host = "db", Port = 0 }] }, "Probes:0:Port", "between 1 and 65535" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Command }] }, "Probes:0:Command", "is required" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Command, Command = "check", Arguments = [new string('a', 4097)] }] }, "Probes:0:Arguments:0", "at most 4096" },
        { Process with { Probes = [new ProbeDefinition { Kind = ProbeKinds.Command, Command = "check", Arguments = [.. Enumerable.Repeat("a", 65)] }] }, "Probes:0:Arguments", "at most 64" },
        { Process with { Probes = [Process.Probes[0] with { Interval = TimeSpan.FromSeconds(-2) }] }, "Probes:0:Interval", "between 00:00:00.1 and 01:00:00" },
        { Process with { Probes = [Process.Probes[0] with { Timeout = TimeSpan.FromSeconds(5) }] }, "Probes:0:Timeout", "no longer than the interval" },
        { Process with { Probes = [Process.Probes[0] with { Rise = 0 }] }, "Probes:0:Rise", "between 1 and 100" },
        { Process with { Probes = [Process.Probes[0] with { Fall = 101 }] }, "Probes:0:Fall", "between 1 and 100" },
        { Process with { Probes = [.. Enumerable.Repeat(Process.Probes[0], 9)] }, "Probes", "at most 8" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_field_is_named_with_its_configuration_key(ManagedServiceDefinition definition, string key, string message)
    {
        var errors = ServiceDefinitionValidator.Validate(definition);

        Assert.Contains(errors, e => e.Field == key && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Duplicate_names_are_refused_on_the_later_service()
    {
        var errors = ServiceDefinitionValidator.ValidateAll([Process, Windows, Process with { Name = "WEB" }]);

        var error = Assert.Single(Assert.Single(errors).Value);
        Assert.Equal(2, Assert.Single(errors).Key);
        Assert.Contains("already used by service 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_services_than_a_node_may_report_are_refused()
    {
        var services = Enumerable.Range(0, MessageLimits.ServiceCountMax + 1).Select(i => Windows with { Name = $"s{i}" }).ToList();

        var errors = ServiceDefinitionValidator.ValidateAll(services);

        Assert.Equal([MessageLimits.ServiceCountMax], errors.Keys);
    }

    [Theory]
    [InlineData("200", 200, 200)]
    [InlineData("200-399", 200, 399)]
    [InlineData(" 204 - 204 ", 204, 204)]
    public void Status_ranges_parse(string text, int from, int to)
    {
        Assert.True(StatusRange.TryParse(text, out var range));
        Assert.Equal(new StatusRange(from, to), range);
        Assert.True(range.Contains(from) && range.Contains(to) && !range.Contains(to + 1));
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("99")]
    [InlineData("400-300")]
    [InlineData("200-600")]
    public void Bad_status_ranges_do_not_parse(string text) => Assert.False(StatusRange.TryParse(text, out _));
}

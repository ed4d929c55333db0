using Vigil.Agent.Services;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Services;

public sealed class RemoteExecutionTests
{
    private static readonly (IReadOnlyList<SourcedDefinition>, IReadOnlyList<RejectedDefinition>) NoLocalServices = ([], []);

    [Fact]
    public void By_default_the_control_plane_makes_the_agent_run_no_program_and_each_refusal_names_the_key_and_the_setting()
    {
        var desired = Desired(
            new ManagedServiceDefinition { Name = "shell", Kind = ServiceKinds.Process, Executable = "/bin/sh", Arguments = ["-c", "id"] },
            new ManagedServiceDefinition
            {
                Name = "probed",
                Kind = ServiceKinds.Windows,
                ServiceName = "Spooler",
                Probes = [new ProbeDefinition { Kind = ProbeKinds.Command, Command = "/usr/bin/curl", Arguments = ["-f", "http://x"] }],
            },
            new ManagedServiceDefinition { Name = "hooked", Kind = ServiceKinds.Windows, ServiceName = "W3SVC", Hooks = new RoleHooks { OnActivate = ["/usr/bin/ip", "addr", "add"] } },
            new ManagedServiceDefinition { Name = "spooler", Kind = ServiceKinds.Windows, ServiceName = "Spooler" });

        var (accepted, rejected) = EffectiveServices.Merge(NoLocalServices, desired, new RemoteExecutionPolicy());

        Assert.Equal(["spooler"], accepted.Select(s => s.Definition.Name));
        var reasons = rejected.ToDictionary(r => r.Service!, r => r.Reason);
        Assert.StartsWith("desired configuration v3:Services:0:Executable '/bin/sh' is not allowed: this agent runs no program defined by the control plane", reasons["shell"], StringComparison.Ordinal);
        Assert.Contains("Agent:RemoteExecution:AllowedExecutables", reasons["shell"], StringComparison.Ordinal);
        Assert.StartsWith("desired configuration v3:Services:1:Probes:0:Command '/usr/bin/curl' is not allowed", reasons["probed"], StringComparison.Ordinal);
        Assert.StartsWith("desired configuration v3:Services:2:Hooks:OnActivate:0 '/usr/bin/ip' is not allowed", reasons["hooked"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_lifecycle_hook_outside_the_allowed_programs_refuses_the_service_even_when_its_executable_is_allowed()
    {
        var policy = new RemoteExecutionPolicy { AllowedFolders = ["/opt/app"] };
        var hook = new LifecycleHook { Executable = "/bin/sh", Arguments = ["-c", "id"] };
        var allowedHook = new LifecycleHook { Executable = "/opt/app/prepare" };
        var desired = Desired(
            new ManagedServiceDefinition { Name = "pre", Kind = ServiceKinds.Process, Executable = "/opt/app/run", PreStart = hook },
            new ManagedServiceDefinition { Name = "post", Kind = ServiceKinds.Process, Executable = "/opt/app/run", PostStart = allowedHook, PostStop = hook },
            new ManagedServiceDefinition { Name = "fine", Kind = ServiceKinds.Process, Executable = "/opt/app/run", PreStart = allowedHook, PostStop = allowedHook });

        var (accepted, rejected) = EffectiveServices.Merge(NoLocalServices, desired, policy);

        Assert.Equal(["fine"], accepted.Select(s => s.Definition.Name));
        var reasons = rejected.ToDictionary(r => r.Service!, r => r.Reason);
        Assert.StartsWith("desired configuration v3:Services:0:PreStart:Executable '/bin/sh' is not allowed", reasons["pre"], StringComparison.Ordinal);
        Assert.StartsWith("desired configuration v3:Services:1:PostStop:Executable '/bin/sh' is not allowed", reasons["post"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_agents_own_file_may_name_any_program()
    {
        var local = LocalServiceDefinitions.Validate([new SourcedDefinition(new ManagedServiceDefinition { Name = "shell", Kind = ServiceKinds.Process, Executable = "sh" }, "Agent:Services:0")]);

        var (accepted, rejected) = EffectiveServices.Merge(local, Desired(), new RemoteExecutionPolicy());

        Assert.Empty(rejected);
        Assert.Equal(["shell"], accepted.Select(s => s.Definition.Name));
    }

    [Theory]
    [InlineData("/opt/app/bin/run", true)]
    [InlineData("/usr/bin/backup", true)]
    [InlineData("/opt/app/run", true)]
    [InlineData("/usr/bin/backup2", false)]
    [InlineData("/opt/application/run", false)]
    [InlineData("/opt/app", false)]
    [InlineData("/opt/app/../../bin/sh", false)]
    [InlineData("/opt/app/./run", false)]
    [InlineData("run", false)]
    [InlineData("app/run", false)]
    [InlineData("/OPT/APP/run", false)]
    public void Only_full_paths_listed_or_inside_an_allowed_folder_run(string executable, bool runs)
    {
        var policy = new RemoteExecutionPolicy { AllowedExecutables = ["/usr/bin/backup"], AllowedFolders = ["/opt/app/"] };

        var (accepted, rejected) = EffectiveServices.Merge(NoLocalServices, Desired(new ManagedServiceDefinition { Name = "app", Kind = ServiceKinds.Process, Executable = executable }), policy);

        Assert.Equal(runs, accepted.Count == 1);
        Assert.Equal(runs, rejected.Count == 0);
    }

    [Fact]
    public void An_allowed_program_still_may_not_run_script_text_nor_write_its_logs_elsewhere()
    {
        var policy = new RemoteExecutionPolicy { AllowedFolders = ["/opt/app"] };
        var service = new ManagedServiceDefinition
        {
            Name = "app",
            Kind = ServiceKinds.Process,
            Executable = "/opt/app/run",
            Logs = new ServiceLogSettings { Directory = "/etc/cron.d" },
            Probes = [new ProbeDefinition { Kind = ProbeKinds.Command, Command = "/opt/app/check" }],
        };

        var (_, rejected) = EffectiveServices.Merge(NoLocalServices, Desired(service), policy);

        var reason = Assert.Single(rejected).Reason;
        Assert.Contains("Services:0:Logs:Directory cannot be set by the control plane", reason, StringComparison.Ordinal);
        Assert.Contains("Services:0:Probes:0:Command is script text", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@"C:\Apps\Shop\shop.exe", true)]
    [InlineData(@"c:/apps/shop/SHOP.EXE", true)]
    [InlineData(@"C:\Apps\Shop\..\..\Windows\System32\cmd.exe", false)]
    [InlineData(@"C:\Apps\Shop. \shop.exe", false)]
    [InlineData(@"C:\Apps\Shopping\shop.exe", false)]
    [InlineData(@"\\?\C:\Apps\Shop\shop.exe", false)]
    [InlineData(@"shop.exe", false)]
    public void Windows_paths_compare_in_any_case_with_either_separator(string executable, bool runs)
    {
        var policy = new RemoteExecutionPolicy { AllowedFolders = [@"C:\Apps\Shop"], WindowsPaths = true };

        var (accepted, _) = EffectiveServices.Merge(NoLocalServices, Desired(new ManagedServiceDefinition { Name = "shop", Kind = ServiceKinds.Process, Executable = executable }), policy);

        Assert.Equal(runs, accepted.Count == 1);
    }

    private static DesiredConfiguration Desired(params ManagedServiceDefinition[] services) => new() { Version = 3, Services = [.. services] };
}

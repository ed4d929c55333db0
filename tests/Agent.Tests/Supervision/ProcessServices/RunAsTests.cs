using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Services;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

/// <summary>A process service's run-as account: how the agent reads, refuses and reports it.</summary>
public sealed class RunAsTests : IDisposable
{
    private const string Protected = "dpapi:AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA";
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_run_as_account_in_the_agents_file_is_read_with_its_protected_password_on_a_windows_node()
    {
        var (accepted, rejected) = LocalServiceDefinitions.Read(Orders(("0:RunAs:User", @"CONTOSO\svc-orders"), ("0:RunAs:Password", Protected)), windowsNode: true);

        Assert.Empty(rejected);
        var runAs = Assert.Single(accepted).Definition.RunAs;
        Assert.Equal(@"CONTOSO\svc-orders", runAs?.User);
        Assert.Equal(Protected, runAs?.Password);
    }

    [Fact]
    public void A_run_as_account_is_refused_on_a_node_that_does_not_run_windows_naming_the_key()
    {
        var (accepted, rejected) = LocalServiceDefinitions.Read(Orders(("0:RunAs:User", "LocalService")), windowsNode: false);

        Assert.Empty(accepted);
        Assert.StartsWith("service 'orders': Agent:Services:0:RunAs is supported on Windows nodes only", Assert.Single(rejected).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_clear_in_the_agents_file_is_refused_without_being_repeated()
    {
        var (accepted, rejected) = LocalServiceDefinitions.Read(Orders(("0:RunAs:User", @"CONTOSO\svc-orders"), ("0:RunAs:Password", "Winter2026!")), windowsNode: true);

        Assert.Empty(accepted);
        var reason = Assert.Single(rejected).ToString();
        Assert.Contains("Agent:Services:0:RunAs:Password must be the protected text that the agent's 'protect-password' command prints", reason, StringComparison.Ordinal);
        Assert.DoesNotContain("Winter2026!", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_agent_refuses_a_run_as_password_that_comes_from_the_control_plane()
    {
        var desired = new DesiredConfiguration
        {
            Version = 4,
            Services =
            [
                new ManagedServiceDefinition { Name = "orders", Kind = ServiceKinds.Process, Executable = @"C:\Apps\orders.exe", RunAs = new RunAsAccount { User = @"CONTOSO\svc-orders", Password = Protected } },
                new ManagedServiceDefinition { Name = "billing", Kind = ServiceKinds.Process, Executable = @"C:\Apps\billing.exe", RunAs = new RunAsAccount { User = @"CONTOSO\gmsa-billing$" } },
            ],
        };

        var (accepted, rejected) = EffectiveServices.Merge(([], []), desired, new RemoteExecutionPolicy { AllowedFolders = [@"C:\Apps"], WindowsPaths = true });

        Assert.Equal(["billing"], accepted.Select(s => s.Definition.Name));
        Assert.StartsWith("desired configuration v4:Services:0:RunAs:Password cannot be set by the control plane", Assert.Single(rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_logon_names_the_account_the_windows_error_and_what_to_do()
    {
        var user = RunAsAccounts.Parse(@"CONTOSO\svc-orders")!;

        Assert.Equal(
            @"Windows refused to log on the run-as account 'CONTOSO\svc-orders': The user name or password is incorrect (error 1326): check the account's name and set a new RunAs:Password with the agent's 'protect-password' command",
            LogonRefusal.Describe(user, 1326, "The user name or password is incorrect."));
        Assert.EndsWith("grant the account the \"Log on as a service\" right (SeServiceLogonRight) on this node", LogonRefusal.Describe(user, 1385, "Logon failure"), StringComparison.Ordinal);
        Assert.EndsWith("(error 50)", LogonRefusal.Describe(RunAsAccounts.Parse("LocalService")!, 50, "The request is not supported."), StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_refused_under_the_account_names_the_program_the_account_and_what_to_do()
    {
        var user = RunAsAccounts.Parse(@"CONTOSO\svc-orders")!;

        Assert.Equal(
            @"Windows refused to start 'C:\Apps\orders.exe' under the run-as account 'CONTOSO\svc-orders': Access is denied (error 5): the account needs the right to read and run the executable and its working directory",
            LogonRefusal.DescribeStart(@"C:\Apps\orders.exe", user, 5, "Access is denied."));
        Assert.EndsWith("run it as the LocalSystem service", LogonRefusal.DescribeStart(@"C:\Apps\orders.exe", user, 1314, "A required privilege is not held by the client."), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Where_run_as_is_not_supported_a_start_fails_with_the_reason_and_the_key_and_starts_nothing()
    {
        var definition = new ManagedServiceDefinition { Name = "orders", Kind = ServiceKinds.Process, Executable = "/bin/sleep", Arguments = ["60"], RunAs = new RunAsAccount { User = "LocalService" } };
        await using var manager = new ProcessServiceManager(definition, ServiceFolders.For(_folder.Path, "orders", null), new UnixProcessLauncher(), TimeProvider.System, NullLogger.Instance);

        var failure = await Assert.ThrowsAsync<ServiceOperationException>(() => manager.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("a run-as account is supported on Windows nodes only", failure.Message);
        Assert.Equal("RunAs", failure.Key);
        Assert.Equal(ServiceState.Stopped, manager.Observe().State);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_protect_password_command_refuses_on_a_node_that_does_not_run_windows_and_prints_nothing()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = ProtectPasswordCommand.Run(["protect-password"], new StringReader("Winter2026!"), output, error);

        Assert.Equal(2, code);
        Assert.Equal("", output.ToString());
        Assert.Contains("run-as accounts are supported on Windows nodes only", error.ToString(), StringComparison.Ordinal);
        Assert.Null(ProtectPasswordCommand.Run(["--urls", "x"], new StringReader(""), output, error));
    }

    private static IConfiguration Orders(params (string Key, string Value)[] runAs) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                new[] { ("0:Name", "orders"), ("0:Kind", "process"), ("0:Executable", @"C:\Apps\orders.exe") }.Concat(runAs)
                    .Select(e => new KeyValuePair<string, string?>($"{LocalServiceDefinitions.Section}:{e.Item1}", e.Item2)))
            .Build();
}

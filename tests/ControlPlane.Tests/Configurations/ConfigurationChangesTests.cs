using System.Security.Claims;
using Vigil.ControlPlane.Configurations;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;
using Vigil.ControlPlane.Tests.Support;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Configurations;

/// <summary>The path the dashboard takes to change a node's services: the API's rules, checked before anything is stored.</summary>
public sealed class ConfigurationChangesTests : IAsyncLifetime
{
    private readonly TestDatabase _database = TestDatabase.Sqlite();
    private ControlPlaneHost _host = null!;
    private TestAgentConnection _agent = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await ControlPlaneHost.StartAsync(_database);
        _agent = await TestAgentConnection.ConnectAsync(_host.Address, ControlPlaneHost.EnrollmentToken);
        await _agent.RegisterAsync(_agent.Registration() with { RemoteExecution = new RemoteExecutionPolicy { AllowedFolders = ["/opt/web"] } });
        await Eventually.HoldsAsync(async () => await _host.StoredNodeAsync(_agent.NodeId) is not null, "the node row exists");
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync();
        await _host.DisposeAsync();
        _database.Dispose();
    }

    [Fact]
    public async Task A_checked_change_is_never_stored_and_a_replacement_is_stored_with_the_next_version()
    {
        var changes = _host.Get<ConfigurationChanges>();

        var check = await changes.CheckAsync(Node(), [Web()], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var unchanged = await _host.Get<DesiredConfigurations>().GetAsync(_agent.NodeId, TestContext.Current.CancellationToken);
        var replaced = await changes.ReplaceAsync(Node(), [Web()], User(VigilRoles.Admin), TestContext.Current.CancellationToken);

        Assert.Equal(["web"], Assert.IsType<ConfigurationChange.Allowed>(check).ExecutableChanges);
        Assert.Equal(0, unchanged.Version);
        Assert.Equal(1, Assert.IsType<ConfigurationChange.Stored>(replaced).Configuration.Version);
        Assert.Equal(1, Node().ConfigVersion);
    }

    [Fact]
    public async Task An_operator_is_told_that_a_new_process_needs_an_admin_and_may_change_its_restart_policy_once_it_exists()
    {
        var changes = _host.Get<ConfigurationChanges>();

        var added = await changes.ReplaceAsync(Node(), [Web()], User(VigilRoles.Operator), TestContext.Current.CancellationToken);
        await changes.ReplaceAsync(Node(), [Web()], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var restartChanged = await changes.ReplaceAsync(Node(), [Web() with { Restart = new RestartSettings { MaxRestarts = 3 } }], User(VigilRoles.Operator), TestContext.Current.CancellationToken);
        var hookAdded = await changes.ReplaceAsync(Node(), [Web() with { PostStop = new LifecycleHook { Executable = "/opt/web/deregister" } }], User(VigilRoles.Operator), TestContext.Current.CancellationToken);

        var needsAdmin = Assert.IsType<ConfigurationChange.NeedsAdmin>(added);
        Assert.Contains("web", needsAdmin.Detail, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<ConfigurationChange.Stored>(restartChanged).Configuration.Version);
        Assert.Contains("web", Assert.IsType<ConfigurationChange.NeedsAdmin>(hookAdded).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_definitions_and_programs_the_agent_refuses_are_named_by_their_path_in_the_request()
    {
        var changes = _host.Get<ConfigurationChanges>();

        var invalid = await changes.CheckAsync(Node(), [Web() with { Name = "not a name!", Executable = null }], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var refused = await changes.CheckAsync(Node(), [Web() with { Executable = "/bin/sh" }], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var hookRefused = await changes.CheckAsync(Node(), [Web() with { PreStart = new LifecycleHook { Executable = "/bin/sh" } }], User(VigilRoles.Admin), TestContext.Current.CancellationToken);

        var errors = Assert.IsType<ConfigurationChange.Invalid>(invalid).Errors;
        Assert.Equal(["services[0].executable", "services[0].name"], errors.Keys.Order(StringComparer.Ordinal));
        var refusal = Assert.IsType<ConfigurationChange.Invalid>(refused);
        Assert.Contains("'/bin/sh' is not allowed", Assert.Single(refusal.Errors["services[0].executable"]), StringComparison.Ordinal);
        var hookRefusal = Assert.IsType<ConfigurationChange.Invalid>(hookRefused);
        Assert.Contains("'/bin/sh' is not allowed", Assert.Single(hookRefusal.Errors["services[0].preStart.executable"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_as_password_is_refused_from_the_control_plane_without_being_repeated_or_stored()
    {
        var changes = _host.Get<ConfigurationChanges>();

        var inClear = await changes.ReplaceAsync(Node(), [Web() with { RunAs = new RunAsAccount { User = @"CONTOSO\svc-web", Password = "Winter2026!" } }], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var protectedOne = await changes.ReplaceAsync(Node(), [Web() with { RunAs = new RunAsAccount { User = @"CONTOSO\svc-web", Password = "dpapi:AQAAANCM" } }], User(VigilRoles.Admin), TestContext.Current.CancellationToken);

        foreach (var change in new[] { inClear, protectedOne })
        {
            var refusal = Assert.Single(Assert.IsType<ConfigurationChange.Invalid>(change).Errors);
            Assert.Equal("services[0].runAs.password", refusal.Key);
            var message = Assert.Single(refusal.Value);
            Assert.StartsWith("cannot be set by the control plane: a run-as password is set in the agent's own configuration on the node", message, StringComparison.Ordinal);
            Assert.DoesNotContain("Winter2026!", message, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await _host.Get<DesiredConfigurations>().GetAsync(_agent.NodeId, TestContext.Current.CancellationToken)).Version);
    }

    [Fact]
    public async Task A_run_as_account_needs_an_admin_to_change_and_a_windows_node_to_run()
    {
        var changes = _host.Get<ConfigurationChanges>();
        await changes.ReplaceAsync(Node(), [Web()], User(VigilRoles.Admin), TestContext.Current.CancellationToken);
        var withAccount = Web() with { RunAs = new RunAsAccount { User = "LocalService" } };

        var byOperator = await changes.CheckAsync(Node(), [withAccount], User(VigilRoles.Operator), TestContext.Current.CancellationToken);
        var byAdmin = await changes.CheckAsync(Node(), [withAccount], User(VigilRoles.Admin), TestContext.Current.CancellationToken);

        Assert.Equal(["web"], Assert.IsType<ConfigurationChange.NeedsAdmin>(byOperator).ExecutableChanges);
        var refusal = Assert.IsType<ConfigurationChange.Invalid>(byAdmin);
        Assert.Contains("is supported on Windows nodes only", Assert.Single(refusal.Errors["services[0].runAs"]), StringComparison.Ordinal);
    }

    private NodeStatus Node() => _host.Get<NodeRegistry>().Find(_agent.NodeId)!;

    private static ClaimsPrincipal User(string role) => new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role)], "test"));

    private static ManagedServiceDefinition Web() => new()
    {
        Name = "web",
        Kind = ServiceKinds.Process,
        Executable = "/opt/web/web",
        Arguments = ["--port", "8080"],
    };
}

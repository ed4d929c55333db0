using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Shared.Tests.Validation;

public sealed class RunAsRulesTests
{
    private const string Protected = "dpapi:AQAAANCMnd8BFdERjHoAwE/Cl+sBAAAA";

    private static readonly ManagedServiceDefinition Process = new()
    {
        Name = "orders",
        Kind = ServiceKinds.Process,
        Executable = @"C:\Apps\Orders\orders.exe",
    };

    public static TheoryData<string, RunAsKind, string> Accounts() => new()
    {
        { @"CONTOSO\svc-orders", RunAsKind.User, @"CONTOSO\svc-orders" },
        { @".\orders", RunAsKind.User, @".\orders" },
        { "orders", RunAsKind.User, @".\orders" },
        { "svc-orders@contoso.com", RunAsKind.User, "svc-orders@contoso.com" },
        { @"CONTOSO\gmsa-orders$", RunAsKind.ManagedService, @"CONTOSO\gmsa-orders$" },
        { "gmsa-orders$@contoso.com", RunAsKind.ManagedService, "gmsa-orders$@contoso.com" },
        { @"NT SERVICE\Orders", RunAsKind.Virtual, @"NT SERVICE\Orders" },
        { "LocalSystem", RunAsKind.LocalSystem, @"NT AUTHORITY\SYSTEM" },
        { @"NT AUTHORITY\SYSTEM", RunAsKind.LocalSystem, @"NT AUTHORITY\SYSTEM" },
        { "localservice", RunAsKind.BuiltInService, @"NT AUTHORITY\LocalService" },
        { @"NT AUTHORITY\Local Service", RunAsKind.BuiltInService, @"NT AUTHORITY\LocalService" },
        { "NetworkService", RunAsKind.BuiltInService, @"NT AUTHORITY\NetworkService" },
        { @"NT AUTHORITY\NETWORK SERVICE", RunAsKind.BuiltInService, @"NT AUTHORITY\NetworkService" },
    };

    [Theory]
    [MemberData(nameof(Accounts))]
    public void Each_kind_of_account_is_read_as_the_windows_logon_asks_for_it(string user, RunAsKind kind, string shown)
    {
        var account = RunAsAccounts.Parse(user);

        Assert.NotNull(account);
        Assert.Equal(kind, account.Kind);
        Assert.Equal(shown, account.ToString());
        Assert.Equal(kind == RunAsKind.User, account.NeedsPassword);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(@"\orders")]
    [InlineData(@"CONTOSO\")]
    [InlineData(@"CONTOSO\a\b")]
    [InlineData(@"CONTOSO\user@contoso.com")]
    [InlineData("@contoso.com")]
    [InlineData("a@b@c")]
    [InlineData("or*ders")]
    [InlineData(@"NT AUTHORITY\Guest")]
    [InlineData("..")]
    public void Text_that_names_no_account_is_not_read(string user) => Assert.Null(RunAsAccounts.Parse(user));

    public static TheoryData<RunAsAccount> Valid() => new()
    {
        new RunAsAccount { User = @"CONTOSO\svc-orders", Password = Protected },
        new RunAsAccount { User = @"CONTOSO\gmsa-orders$" },
        new RunAsAccount { User = @"NT SERVICE\Orders" },
        new RunAsAccount { User = "LocalService" },
        new RunAsAccount { User = "NetworkService" },
        new RunAsAccount { User = "LocalSystem" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void An_account_with_its_password_protected_or_without_one_passes(RunAsAccount runAs) =>
        Assert.Empty(ServiceDefinitionValidator.Validate(Process with { RunAs = runAs }));

    public static TheoryData<RunAsAccount, string, string> Broken() => new()
    {
        { new RunAsAccount(), "RunAs:User", @"must be an account such as DOMAIN\user" },
        { new RunAsAccount { User = "or*ders", Password = Protected }, "RunAs:User", "(was 'or*ders')" },
        { new RunAsAccount { User = @"CONTOSO\svc-orders" }, "RunAs:Password", @"is required for the user account 'CONTOSO\svc-orders': run the agent's 'protect-password' command" },
        { new RunAsAccount { User = @"CONTOSO\svc-orders", Password = "Winter2026!" }, "RunAs:Password", "a password in clear is never accepted: remove it from the file" },
        { new RunAsAccount { User = @"CONTOSO\svc-orders", Password = "dpapi:" }, "RunAs:Password", "must be the protected text" },
        { new RunAsAccount { User = @"CONTOSO\gmsa-orders$", Password = Protected }, "RunAs:Password", @"must not be set for 'CONTOSO\gmsa-orders$', which Windows logs on without a password" },
        { new RunAsAccount { User = "LocalService", Password = Protected }, "RunAs:Password", "must not be set" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void A_broken_account_is_refused_naming_the_field_and_never_repeating_the_password(RunAsAccount runAs, string field, string message)
    {
        var errors = ServiceDefinitionValidator.Validate(Process with { RunAs = runAs });

        var error = Assert.Single(errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        if (runAs.Password is { Length: > 6 } password)
        {
            Assert.DoesNotContain(password, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_windows_service_has_no_run_as_account_of_ours()
    {
        var error = Assert.Single(ServiceDefinitionValidator.Validate(new ManagedServiceDefinition { Name = "spooler", Kind = ServiceKinds.Windows, ServiceName = "Spooler", RunAs = new RunAsAccount { User = "LocalService" } }));

        Assert.Equal("RunAs", error.Field);
        Assert.Contains("is for 'process' services only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_text_of_a_definition_never_shows_the_password()
    {
        var text = (Process with { RunAs = new RunAsAccount { User = @"CONTOSO\svc-orders", Password = Protected } }).ToString();

        Assert.Contains(@"User = CONTOSO\svc-orders, Password = (hidden)", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Protected, text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_control_plane_may_name_an_account_without_a_password_but_never_set_a_password()
    {
        var gmsa = Process with { RunAs = new RunAsAccount { User = @"CONTOSO\gmsa-orders$" } };
        var user = Process with { RunAs = new RunAsAccount { User = @"CONTOSO\svc-orders", Password = Protected } };
        var windows = new RemoteExecutionPolicy { AllowedFolders = [@"C:\Apps"], WindowsPaths = true };

        Assert.Empty(RunAsRules.FromControlPlane(gmsa));
        Assert.Empty(RemoteExecutionRules.Check(gmsa, windows));
        var refusal = Assert.Single(RemoteExecutionRules.Check(user, windows));
        Assert.Equal("RunAs:Password", refusal.Field);
        Assert.Contains("cannot be set by the control plane: a run-as password is set in the agent's own configuration on the node", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Protected, refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_as_account_is_refused_for_a_node_that_does_not_run_windows()
    {
        var service = Process with { Executable = "/opt/orders/orders", RunAs = new RunAsAccount { User = "LocalService" } };

        Assert.Empty(RunAsRules.OnNode(service, windowsNode: true));
        Assert.Empty(RunAsRules.OnNode(Process, windowsNode: false));
        var refusal = Assert.Single(RemoteExecutionRules.Check(service, new RemoteExecutionPolicy { AllowedFolders = ["/opt/orders"] }));
        Assert.Equal("RunAs", refusal.Field);
        Assert.Contains("is supported on Windows nodes only", refusal.Message, StringComparison.Ordinal);
    }
}

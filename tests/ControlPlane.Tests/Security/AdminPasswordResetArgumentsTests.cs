using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>How the control plane's command line asks for the admin password reset, and what it leaves for the host.</summary>
public sealed class AdminPasswordResetArgumentsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("--urls http://127.0.0.1:5080")]
    [InlineData("Database:Provider=Sqlite reset-admin-password")]
    [InlineData("Reset-Admin-Password")]
    public void Anything_else_runs_the_server_with_the_arguments_untouched(string commandLine)
    {
        var args = Split(commandLine);

        Assert.False(AdminPasswordReset.IsRequested(args, out var user, out var host));
        Assert.Null(user);
        Assert.Same(args, host);
    }

    [Theory]
    [InlineData("reset-admin-password", null, "")]
    [InlineData("reset-admin-password alice", "alice", "")]
    [InlineData("reset-admin-password alice --DataDirectory=/var/lib/vigil", "alice", "--DataDirectory=/var/lib/vigil")]
    [InlineData("reset-admin-password --DataDirectory /var/lib/vigil", null, "--DataDirectory /var/lib/vigil")]
    [InlineData("reset-admin-password DataDirectory=/var/lib/vigil", null, "DataDirectory=/var/lib/vigil")]
    public void The_command_takes_an_optional_user_and_leaves_the_settings_for_the_host(string commandLine, string? expectedUser, string expectedHost)
    {
        Assert.True(AdminPasswordReset.IsRequested(Split(commandLine), out var user, out var host));
        Assert.Equal(expectedUser, user);
        Assert.Equal(Split(expectedHost), host);
    }

    private static string[] Split(string commandLine) => commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

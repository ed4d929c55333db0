using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Windows;

/// <summary>
/// The control plane as a Windows service: its install script (deploy/windows), checked by
/// PowerShell's own parser (the script itself needs Windows: services, ACLs, firewall), and the first
/// admin's one-time password written to a file, since a service has no console.
/// </summary>
public sealed class ControlPlaneServiceTests
{
    private static readonly string Script = Path.Combine(RepositoryLayout.Root, "deploy", "windows", "install-controlplane.ps1");

    [Fact]
    public async Task The_install_script_parses_and_creates_the_service_its_folders_recovery_firewall_rule_and_event_source()
    {
        // Parse errors, then every command the script runs, one per line.
        var parse = $$"""
            $errors = $null
            $ast = [System.Management.Automation.Language.Parser]::ParseFile('{{Script.Replace("'", "''", StringComparison.Ordinal)}}', [ref]$null, [ref]$errors)
            foreach ($e in $errors) { "ERROR line $($e.Extent.StartLineNumber): $($e.Message)" }
            $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.Extent.Text }
            $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.InvokeMemberExpressionAst] }, $true) | ForEach-Object { $_.Extent.Text }
            """;
        var output = await PowerShellAsync(parse);

        Assert.DoesNotContain("ERROR", output, StringComparison.Ordinal);
        Assert.Contains("New-Service -Name $serviceName", output, StringComparison.Ordinal);
        Assert.Contains("-StartupType Automatic", output, StringComparison.Ordinal);
        Assert.Contains("'failure', $serviceName", File.ReadAllText(Script), StringComparison.Ordinal);
        Assert.Contains("Set-Acl -LiteralPath $Folder", output, StringComparison.Ordinal);
        Assert.Contains("New-NetFirewallRule -Name $serviceName", output, StringComparison.Ordinal);
        Assert.Contains("CreateEventSource($displayName, 'Application')", output, StringComparison.Ordinal);
        Assert.Contains("--Security:InitialAdminPasswordFile=", File.ReadAllText(Script), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_admins_one_time_password_goes_to_the_configured_file_and_not_to_the_console()
    {
        var folder = RepositoryLayout.NewTemporaryDirectory("first-admin");
        var file = Path.Combine(folder, "first-admin-password.txt");
        await using var controlPlane = await RunningControlPlane.StartAsync(
            configuredAdminPassword: false,
            settings: new Dictionary<string, string?> { ["Security__InitialAdminPasswordFile"] = file });

        await Eventually.HoldsAsync(() => File.Exists(file) && LogFiles.OneTimePassword().IsMatch(File.ReadAllText(file)), "the one-time password is in the file");
        var password = LogFiles.OneTimePassword().Match(File.ReadAllText(file)).Groups[1].Value;

        Assert.DoesNotMatch(LogFiles.OneTimePassword(), controlPlane.Process.Output);
        Assert.Contains(file, controlPlane.Process.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(password, LogFiles.ReadAll(controlPlane.DataDirectory), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    private static async Task<string> PowerShellAsync(string command)
    {
        try
        {
            return await CommandLine.RunAsync("dotnet", ["pwsh", "-NoProfile", "-NonInteractive", "-Command", command], RepositoryLayout.Root);
        }
        catch (InvalidOperationException exception) when (exception.Message.Contains("pwsh", StringComparison.Ordinal) && exception.Message.Contains("tool", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("PowerShell is a local .NET tool of the repository: run 'dotnet tool restore' (./test.sh does).", exception);
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using Vigil.Agent.Supervision.Probes;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Agent.Tests.Supervision.Probes;

public sealed class CommandProbeTests
{
    [Fact]
    public async Task Control_characters_in_the_output_of_a_command_do_not_reach_the_detail()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses sh.");
        var probe = new CommandProbe(Script("printf 'ok\\033[32m green\\tand\\bback\\r\\n'", TimeSpan.FromSeconds(30)));

        var result = await probe.RunAsync(TestContext.Current.CancellationToken);

        Assert.True(result.Success);
        Assert.DoesNotContain(result.Detail, char.IsControl);
        Assert.Contains("green", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_is_judged_when_it_exits_even_while_a_background_child_keeps_its_output_open()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses sh.");
        using var folder = new TemporaryFolder();
        var pidFile = folder.File("child.pid");
        var probe = new CommandProbe(Shell("sleep 60 & echo $! > \"$0\"; echo hi", pidFile, TimeSpan.FromSeconds(30)));
        try
        {
            var result = await probe.RunAsync(TestContext.Current.CancellationToken);

            Assert.True(result.Success, result.Detail);
            Assert.Equal("exit code 0: hi", result.Detail);
            Assert.True(IsRunning(ChildOf(pidFile)), "the probe answered while the background child still held its output");
        }
        finally
        {
            if (File.Exists(pidFile))
            {
                Kill(ChildOf(pidFile));
            }
        }
    }

    [Fact]
    public async Task A_command_that_outlives_its_timeout_fails_and_its_whole_process_tree_is_ended()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses sh.");
        using var folder = new TemporaryFolder();
        var pidFile = folder.File("child.pid");
        var probe = new CommandProbe(Shell("sleep 60 & echo $! > \"$0\"; echo hi; sleep 60", pidFile, TimeSpan.FromSeconds(1)));
        try
        {
            var result = await probe.RunAsync(TestContext.Current.CancellationToken);

            Assert.False(result.Success);
            Assert.StartsWith("did not finish within 1 s", result.Detail, StringComparison.Ordinal);
            await Eventually.HoldsAsync(() => !IsRunning(ChildOf(pidFile)), "the background child of the command is ended");
        }
        finally
        {
            if (File.Exists(pidFile))
            {
                Kill(ChildOf(pidFile));
            }
        }
    }

    private static ProbeDefinition Shell(string script, string argument, TimeSpan timeout) =>
        new() { Kind = ProbeKinds.Command, Command = "/bin/sh", Arguments = ["-c", script, argument], Timeout = timeout };

    private static int ChildOf(string pidFile) => int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);

    /// <summary>Alive and not a zombie waiting to be reaped.</summary>
    private static bool IsRunning(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)..].First() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static ProbeDefinition Script(string script, TimeSpan timeout) =>
        new() { Kind = ProbeKinds.Command, Command = script, Timeout = timeout };
}

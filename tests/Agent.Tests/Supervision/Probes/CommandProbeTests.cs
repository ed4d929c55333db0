using Vigil.Agent.Supervision.Probes;
using Vigil.Shared.Services;

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

    private static ProbeDefinition Script(string script, TimeSpan timeout) =>
        new() { Kind = ProbeKinds.Command, Command = script, Timeout = timeout };
}

using Vigil.EndToEnd.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Agents;

/// <summary>A real agent process enrols with a real control plane process and keeps its own credential.</summary>
public sealed class EnrollmentTests
{
    [Fact]
    public async Task An_enrolled_agent_comes_back_after_a_restart_without_the_token_and_no_secret_is_logged()
    {
        await using var controlPlane = await RunningControlPlane.StartAsync();
        using var api = new NodesApi(controlPlane.Url);
        var data = RepositoryLayout.NewTemporaryDirectory("e2e-agent");
        var first = controlPlane.StartAgent("e2e-enrolled", data);
        await Eventually.HoldsAsync(async () => await api.LivenessOfAsync("e2e-enrolled") == "Alive", "the agent enrols and its node is Alive", TimeSpan.FromSeconds(30));
        var credentialFile = Path.Combine(data, "credential");
        var credential = (await File.ReadAllTextAsync(credentialFile, TestContext.Current.CancellationToken)).Trim();
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentialFile));
        }

        Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(30)));
        var second = controlPlane.StartAgent("e2e-enrolled", data, token: "");

        await Eventually.HoldsAsync(() => second.OutputContains("Registered with the control plane"), "the agent registers again with its stored credential", TimeSpan.FromSeconds(30));
        Assert.False(second.OutputContains("enrolled as agent"), second.Output);
        Assert.True(controlPlane.Process.OutputContains("standing enrollment token"), controlPlane.Process.Output);
        foreach (var secret in new[] { RunningControlPlane.EnrollmentToken, credential })
        {
            Assert.False(controlPlane.Process.OutputContains(secret));
            Assert.False(first.OutputContains(secret));
            Assert.False(second.OutputContains(secret));
            foreach (var log in Directory.EnumerateFiles(Path.Combine(data, "logs")))
            {
                using var reader = new StreamReader(new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
                Assert.DoesNotContain(secret, await reader.ReadToEndAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
            }
        }
    }
}

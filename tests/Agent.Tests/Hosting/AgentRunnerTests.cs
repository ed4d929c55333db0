using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.Agent.Connection;
using Vigil.Agent.Hosting;
using Vigil.Agent.Identity;

namespace Vigil.Agent.Tests.Hosting;

/// <summary>What the agent does at start before it runs anything: exit 1 with a reason, or go on.</summary>
public sealed class AgentRunnerTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "vigil-tests", $"runner-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_bad_setting_ends_the_start_with_exit_code_1()
    {
        using var host = Build("--Agent:ControlPlaneUrl=controlplane");

        Assert.Equal(1, await host.RunUntilStoppedAsync());
    }

    [Fact]
    public async Task A_damaged_node_id_file_ends_the_start_with_exit_code_1_and_is_left_alone()
    {
        Directory.CreateDirectory(_dataDirectory);
        var path = Path.Combine(_dataDirectory, NodeIdentity.FileName);
        await File.WriteAllTextAsync(path, "garbage", TestContext.Current.CancellationToken);
        using var host = Build();

        Assert.Equal(1, await host.RunUntilStoppedAsync());
        Assert.Equal("garbage", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_valid_configuration_runs_until_the_host_is_stopped_and_exits_0()
    {
        using var host = Build();
        var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(lifetime.StopApplication);

        Assert.Equal(0, await host.RunUntilStoppedAsync());
        Assert.True(File.Exists(Path.Combine(_dataDirectory, NodeIdentity.FileName)));
    }

    private IHost Build(params string[] extra)
    {
        string[] args =
        [
            "--Agent:ControlPlaneUrl=http://cp.example:5080",
            "--Agent:EnrollmentToken=secret-token-0123456789",
            $"--Agent:DataDirectory={_dataDirectory}",
            .. extra,
        ];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = args });
        builder.AddAgentConfiguration(args);
        builder.Services.AddSingleton<NodeIdentityHolder>();
        return builder.Build();
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vigil.ControlPlane.Observability;

namespace Vigil.ControlPlane.Tests.Observability;

public sealed class HostRunnerTests
{
    [Fact]
    public async Task A_background_service_that_fails_stops_the_host_with_exit_code_1()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHostedService<Failing>();
        await using var app = builder.Build();

        var code = await app.RunUntilStoppedAsync(_ => { });

        Assert.Equal(1, code);
    }

    [Fact]
    public async Task A_host_stopped_on_purpose_exits_with_0()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddHostedService<StopsTheHost>();
        await using var app = builder.Build();

        var code = await app.RunUntilStoppedAsync(_ => { });

        Assert.Equal(0, code);
    }

    [Fact]
    public async Task A_host_stopped_on_purpose_while_a_service_is_still_starting_exits_with_the_code_asked_for()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton<HostExitCode>();
        builder.Services.AddHostedService<StopsTheHostWhileStarting>();
        await using var app = builder.Build();

        var code = await app.RunUntilStoppedAsync(_ => { });

        Assert.Equal(1, code);
    }

    /// <summary>As a decider whose lease lapsed while the state was still loading: asks for exit code 1, stops the host, and its own start is cancelled.</summary>
    private sealed class StopsTheHostWhileStarting(IHostApplicationLifetime lifetime, HostExitCode exitCode) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            exitCode.Request(1);
            lifetime.StopApplication();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Failing : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new IOException("broken on purpose");
        }
    }

    private sealed class StopsTheHost(IHostApplicationLifetime lifetime) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            var started = new TaskCompletionSource();
            using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
            await started.Task;
            lifetime.StopApplication();
        }
    }
}

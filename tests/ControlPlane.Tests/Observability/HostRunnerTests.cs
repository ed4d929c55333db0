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

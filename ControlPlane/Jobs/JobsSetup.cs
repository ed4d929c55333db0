using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Alerts.Delivery;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Jobs;

public static class JobsSetup
{
    public const string DashboardPath = "/hangfire";

    /// <summary>How long a stopping control plane waits for running jobs before it abandons them (they run again after).</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Hangfire on the product's database, with a small server for alert deliveries. Registered by
    /// hand rather than with <c>AddHangfire</c>, which sets process-wide defaults (storage, activator,
    /// logging): each control plane in a process — tests host several — keeps its own.
    /// Must come after <see cref="DatabaseSetup.AddVigilDatabase"/>: its schema waits for the database.
    /// </summary>
    public static IHostApplicationBuilder AddBackgroundJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(provider => JobStorageLocation.For(
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider,
            provider.GetRequiredService<DatabaseConnection>().ConnectionString));
        services.AddSingleton(provider => JobStorages.Create(provider.GetRequiredService<JobStorageLocation>()));
        services.AddSingleton<JobActivator>(provider => new AspNetCoreJobActivator(provider.GetRequiredService<IServiceScopeFactory>()));
        services.AddSingleton<IBackgroundJobClient>(provider => new BackgroundJobClient(provider.GetRequiredService<JobStorage>()));
        // The marker and routes Hangfire's dashboard looks for.
        services.AddSingleton<IGlobalConfiguration>(_ => GlobalConfiguration.Configuration);
        services.AddSingleton(_ => DashboardRoutes.Routes);

        // Hangfire's own messages go to the product log; registered ahead of its server, so they do from its start to its stop.
        services.AddSingleton<HangfireLogs>();
        services.AddHostedService(provider => provider.GetRequiredService<HangfireLogs>());
        services.AddHostedService<JobStorageSchema>();
        services.AddHangfireServer((provider, server) =>
        {
            var delivery = provider.GetRequiredService<IOptions<AlertOptions>>().Value.Delivery;
            server.WorkerCount = delivery.Concurrency;
            server.Queues = [AlertDeliveryJobs.Name];
            server.SchedulePollingInterval = JobStorages.PollInterval;
            server.ShutdownTimeout = ShutdownTimeout;
            server.StopTimeout = ShutdownTimeout;
        });
        return builder;
    }

    /// <summary>Hangfire's dashboard at <see cref="DashboardPath"/>, for Admins signed in to the dashboard only.</summary>
    public static IApplicationBuilder UseJobsDashboard(this IApplicationBuilder app) =>
        app.UseHangfireDashboard(DashboardPath, new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorization()],
            DashboardTitle = "Vigil jobs",
            AppPath = "/",
        });
}

using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Observability;

public static class HostRunner
{
    /// <summary>
    /// Composes the request pipeline and runs until shutdown. A start-up failure (bad configuration,
    /// unreachable database), whether met while composing or while starting, ends with one line that
    /// says what is wrong, and exit code 1. So does a background service that failed (the host stops
    /// when one does): exit code 1 tells the service manager (Windows recovery actions, systemd's
    /// Restart=on-failure) to start the control plane again, instead of taking it for a clean stop.
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app, Action<WebApplication> compose)
    {
        try
        {
            compose(app);
            // Taken before the run, which disposes the services when it ends.
            var background = app.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();
            var exitCode = app.Services.GetService<HostExitCode>();

            // Noted as it happens: once a failed start has unwound, the host is disposed and its lifetime no longer says.
            var stopAsked = false;
            using var stopping = app.Lifetime.ApplicationStopping.Register(() => stopAsked = true);
            try
            {
                await app.RunAsync();
            }
            catch (OperationCanceledException) when (Failed(background) is not null || stopAsked)
            {
                // A service that failed while the host was still starting cancelled the start (Kestrel's bind, say),
                // or the control plane was asked to stop while it waited (a standby, say).
            }

            if (Failed(background) is { } failed)
            {
                app.Logger.LogCritical(failed.ExecuteTask!.Exception, "The control plane stopped because {Service} failed; exit code 1, so that its service manager starts it again", failed.GetType().Name);
                return 1;
            }

            // A service that stopped the host on purpose may ask its service manager to start it again (a deposed decider).
            return exitCode?.Code ?? 0;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException)
        {
            app.Logger.LogCritical("The control plane could not start: {Reason}", exception.Message);
            return 1;
        }
    }

    private static BackgroundService? Failed(IEnumerable<BackgroundService> services) =>
        services.FirstOrDefault(s => s.ExecuteTask is { IsFaulted: true });
}

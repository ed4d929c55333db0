using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Observability;

public static class HostRunner
{
    /// <summary>
    /// Composes the request pipeline and runs until shutdown. A start-up failure (bad configuration,
    /// unreachable database), whether met while composing or while starting, ends with one line that
    /// says what is wrong, and exit code 1.
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app, Action<WebApplication> compose)
    {
        try
        {
            compose(app);
            await app.RunAsync();
            return 0;
        }
        catch (Exception exception) when (exception is OptionsValidationException or InvalidOperationException)
        {
            app.Logger.LogCritical("The control plane could not start: {Reason}", exception.Message);
            return 1;
        }
    }
}

using System.ComponentModel;
using System.Runtime.Versioning;
using System.ServiceProcess;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Supervision.WindowsServices;

/// <summary>The Windows services installed on this node, told to the control plane when the agent registers.</summary>
internal static partial class InstalledWindowsServices
{
    /// <summary>By name, at most <see cref="MessageLimits.InstalledServiceCountMax"/>; null on other systems or when the service control manager cannot be asked.</summary>
    public static IReadOnlyList<InstalledService>? List(ILogger logger)
    {
        if (!OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            return FromServiceControlManager();
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception)
        {
            LogCannotList(logger, exception.Message);
            return null;
        }
    }

    [SupportedOSPlatform("windows")]
    private static InstalledService[] FromServiceControlManager()
    {
        var services = ServiceController.GetServices();
        try
        {
            return [.. services
                .Select(s => new InstalledService { Name = s.ServiceName, DisplayName = Shortened(s.DisplayName) })
                .Where(s => s.Name.Length is > 0 and <= MessageLimits.InstalledServiceNameMaxLength)
                .OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
                .Take(MessageLimits.InstalledServiceCountMax)];
        }
        finally
        {
            foreach (var service in services)
            {
                service.Dispose();
            }
        }
    }

    private static string Shortened(string? displayName)
    {
        var text = new string([.. (displayName ?? "").Where(c => !char.IsControl(c))]);
        return text.Length <= MessageLimits.InstalledServiceNameMaxLength ? text : text[..MessageLimits.InstalledServiceNameMaxLength];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The installed Windows services could not be listed for the control plane: {Reason}. The dashboard will not offer them for this node")]
    private static partial void LogCannotList(ILogger logger, string reason);
}

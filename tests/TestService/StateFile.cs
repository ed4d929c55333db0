using System.Globalization;

namespace Vigil.TestService;

/// <summary>Appends lines tests read to count starts and graceful stops.</summary>
public static class StateFile
{
    private static readonly Lock Gate = new();

    public static void Append(string? path, string what, int? processId = null)
    {
        if (path is null)
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, string.Create(CultureInfo.InvariantCulture, $"{what} {processId ?? Environment.ProcessId} {DateTimeOffset.UtcNow:O}{Environment.NewLine}"));
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace Vigil.TestSupport;

/// <summary>Where the built product lives, relative to the running test assembly.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: whatever the tests themselves were built as.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string ControlPlaneDll => Path.Combine(Root, "ControlPlane", "bin", Configuration, "net10.0", "Vigil.ControlPlane.dll");

    /// <summary>
    /// The agent the tests start: the JIT build's <c>Vigil.Agent.dll</c>, or the native Linux build
    /// named by <see cref="NativeAgentVariable"/> (a published <c>Vigil.Agent</c> executable).
    /// </summary>
    public static string Agent => Environment.GetEnvironmentVariable(NativeAgentVariable) is { Length: > 0 } native
        ? Path.GetFullPath(native)
        : Path.Combine(Root, "Agent", "bin", Configuration, "net10.0", "Vigil.Agent.dll");

    /// <summary>Names the native agent to test instead of the JIT build.</summary>
    public const string NativeAgentVariable = "VIGIL_AGENT_NATIVE";

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string NewTemporaryDirectory(string purpose)
    {
        var path = Path.Combine(Path.GetTempPath(), "vigil-tests", $"{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ControlPlane.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"ControlPlane.sln not found above {AppContext.BaseDirectory}.");
    }
}

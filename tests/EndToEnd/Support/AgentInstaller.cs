using System.Text.RegularExpressions;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// The agent's MSI, built by deploy/msi/build.sh from the win-x64 folder publish the Wine tests run
/// (./test.sh builds <c>vigil-agent.msi</c> beside it; a newer version for upgrades is built here),
/// and read back with msiinfo.
/// </summary>
public static partial class AgentInstaller
{
    /// <summary>The product's version, as Directory.Build.props gives it.</summary>
    public static string ProductVersion { get; } =
        VersionElement().Match(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "Directory.Build.props"))).Groups[1].Value;

    /// <summary>The installer of <paramref name="agentExe"/>'s folder, at the product's version unless <paramref name="version"/> is given.</summary>
    public static async Task<string> BuildAsync(string agentExe, string? version = null)
    {
        var publish = Path.GetDirectoryName(agentExe)!;
        var shipped = Path.Combine(Path.GetDirectoryName(publish)!, "vigil-agent.msi");
        if (version is null && File.Exists(shipped))
        {
            return shipped;
        }

        var output = Path.Combine(RepositoryLayout.NewTemporaryDirectory("msi"), $"vigil-agent-{version ?? ProductVersion}.msi");
        await CommandLine.RunAsync(Path.Combine(RepositoryLayout.Root, "deploy", "msi", "build.sh"), [publish, output, .. version is null ? Array.Empty<string>() : [version]]);
        return output;
    }

    /// <summary>The rows of one table of <paramref name="msi"/>, tab-separated, as <c>msiinfo export</c> prints them (no header).</summary>
    public static async Task<IReadOnlyList<string[]>> TableAsync(string msi, string table)
    {
        var text = await CommandLine.RunAsync("msiinfo", ["export", msi, table]);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(3).Select(line => line.TrimEnd('\r').Split('\t'))];
    }

    [GeneratedRegex("<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();
}

namespace Vigil.Agent.Configuration;

/// <summary>Values that depend on the machine the agent runs on.</summary>
public static class AgentDefaults
{
    /// <summary><c>%ProgramData%\Vigil\Agent</c> on Windows; a <c>data</c> folder next to the executable elsewhere.</summary>
    public static string DataDirectory => OperatingSystem.IsWindows()
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.CommonApplicationData), "Vigil", "Agent")
        : Path.Combine(AppContext.BaseDirectory, "data");

    /// <summary>Fills in what the operator left out.</summary>
    public static void Apply(AgentOptions options)
    {
        options.NodeName = string.IsNullOrWhiteSpace(options.NodeName) ? Environment.MachineName : options.NodeName.Trim();
        options.DataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(options.DataDirectory) ? DataDirectory : options.DataDirectory);
    }
}

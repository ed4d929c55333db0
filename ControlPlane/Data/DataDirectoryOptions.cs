namespace Vigil.ControlPlane.Data;

/// <summary>The folder that holds the embedded database and the log files.</summary>
public sealed class DataDirectoryOptions
{
    /// <summary>Configuration key; a relative path is resolved against the content root.</summary>
    public const string Key = "DataDirectory";

    public required string Path { get; init; }

    public static DataDirectoryOptions From(IConfiguration configuration, string contentRoot)
    {
        var configured = configuration[Key];
        var path = string.IsNullOrWhiteSpace(configured) ? "data" : configured;
        return new DataDirectoryOptions { Path = System.IO.Path.GetFullPath(path, contentRoot) };
    }
}

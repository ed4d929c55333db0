using System.Text.Json;
using Vigil.ControlPlane.Tests.Support;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Observability;

public sealed class JsonLogTests
{
    [Fact]
    public async Task Logging_Format_json_writes_one_compact_json_object_per_line_with_the_template_and_level()
    {
        using var database = TestDatabase.Sqlite();
        await using var host = await ControlPlaneHost.StartAsync(database, new Dictionary<string, string?> { ["Logging:Format"] = "json" });
        var logs = Path.Combine(database.DataDirectory, "logs");

        // The development enrollment token of the test host is announced with a warning at start.
        await Eventually.HoldsAsync(() => Events(logs).Any(e => e.TryGetProperty("@l", out var level) && level.GetString() == "Warning"
            && e.GetProperty("@mt").GetString()!.StartsWith("Agents:EnrollmentToken is set", StringComparison.Ordinal)), "the warning is written as JSON");

        Assert.All(Events(logs), e =>
        {
            Assert.True(e.TryGetProperty("@t", out _));
            Assert.True(e.TryGetProperty("@mt", out _));
        });
    }

    /// <summary>Every line of the log files; each must parse as one JSON object.</summary>
    private static List<JsonElement> Events(string logs) =>
        [.. Directory.Exists(logs) ? Directory.GetFiles(logs).SelectMany(ReadShared).Select(line => JsonDocument.Parse(line).RootElement) : []];

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}

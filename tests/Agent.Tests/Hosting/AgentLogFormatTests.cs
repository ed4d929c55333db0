using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Hosting;

namespace Vigil.Agent.Tests.Hosting;

public sealed class AgentLogFormatTests
{
    [Fact]
    public async Task Logging_Format_json_writes_one_compact_json_object_per_line_with_the_template_and_level()
    {
        using var folder = new TemporaryFolder();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:DataDirectory"] = folder.Path,
            ["Logging:Format"] = "json",
        });
        builder.AddAgentLogging();
        using (var host = builder.Build())
        {
            var logger = host.Services.GetRequiredService<ILogger<AgentLogFormatTests>>();
            logger.LogWarning("Service {Service} restarted {Count} times", "web", 3);
            logger.LogInformation("Connected to {ControlPlane}", "https://vigil.example.com");
        }

        var lines = await File.ReadAllLinesAsync(Directory.GetFiles(Path.Combine(folder.Path, "logs")).Single(), TestContext.Current.CancellationToken);

        var events = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal("Service {Service} restarted {Count} times", events[0].GetProperty("@mt").GetString());
        Assert.Equal("Warning", events[0].GetProperty("@l").GetString());
        Assert.Equal("web", events[0].GetProperty("Service").GetString());
        Assert.Equal("Connected to {ControlPlane}", events[1].GetProperty("@mt").GetString());
        Assert.False(events[1].TryGetProperty("@l", out _), "compact JSON leaves out the level of Information events");
    }

    [Fact]
    public void An_unknown_format_is_refused_with_its_key_named()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Format"] = "xml" }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => AgentLogFormat.JsonFormatterFor(configuration));

        Assert.Contains("Logging:Format", error.Message, StringComparison.Ordinal);
    }
}

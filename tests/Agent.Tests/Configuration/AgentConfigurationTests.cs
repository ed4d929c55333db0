using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Hosting;

namespace Vigil.Agent.Tests.Configuration;

/// <summary>The agent's configuration as the real composition binds it, from command-line values.</summary>
public sealed class AgentConfigurationTests
{
    private static readonly string[] Valid =
    [
        "--Agent:ControlPlaneUrl=http://cp.example:5080",
        "--Agent:EnrollmentToken=secret-token-0123456789",
    ];

    [Fact]
    public void A_valid_configuration_binds_with_defaults_filled_in()
    {
        var options = Bind(Valid);

        Assert.Equal([new Uri("http://cp.example:5080")], options.ControlPlaneAddresses);
        Assert.Equal(TimeSpan.FromSeconds(1), options.HeartbeatInterval);
        Assert.Equal(Environment.MachineName, options.NodeName);
        Assert.True(Path.IsPathRooted(options.DataDirectory));
        Assert.Equal(TimeSpan.FromSeconds(3), options.Reconnect.MaxDelay);
    }

    [Fact]
    public void Labels_and_overrides_are_bound()
    {
        var options = Bind([.. Valid, "--Agent:NodeName=web-01", "--Agent:Labels:site=ams", "--Agent:HeartbeatInterval=00:00:00.500"]);

        Assert.Equal("web-01", options.NodeName);
        Assert.Equal("ams", options.Labels["site"]);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.HeartbeatInterval);
    }

    [Fact]
    public void Several_addresses_are_tried_in_order_the_single_one_first_and_each_once()
    {
        var options = Bind([.. Valid, "--Agent:ControlPlaneUrls:0=http://cp2.example:5080", "--Agent:ControlPlaneUrls:1=http://cp.example:5080", "--Agent:ControlPlaneUrls:2=https://cp3.example"]);

        Assert.Equal([new Uri("http://cp.example:5080"), new Uri("http://cp2.example:5080"), new Uri("https://cp3.example")], options.ControlPlaneAddresses);
    }

    [Fact]
    public void A_list_of_addresses_needs_no_single_one()
    {
        var options = Bind(["--Agent:ControlPlaneUrl=", "--Agent:ControlPlaneUrls:0=http://cp2.example:5080", "--Agent:EnrollmentToken=secret-token-0123456789"]);

        Assert.Equal([new Uri("http://cp2.example:5080")], options.ControlPlaneAddresses);
    }

    [Theory]
    [InlineData("--Agent:ControlPlaneUrls:0=cp2:5080", "Agent:ControlPlaneUrls:0 must be an absolute http or https URL (was 'cp2:5080')")]
    [InlineData("--Agent:ControlPlaneUrl=controlplane", "Agent:ControlPlaneUrl must be an absolute http or https URL (was 'controlplane')")]
    [InlineData("--Agent:ControlPlaneUrl=ftp://cp", "Agent:ControlPlaneUrl")]
    [InlineData("--Agent:EnrollmentToken= ", "Agent:EnrollmentToken is required")]
    [InlineData("--Agent:HeartbeatInterval=00:00:00.050", "Agent:HeartbeatInterval must be between")]
    [InlineData("--Agent:HeartbeatInterval=00:05:00", "Agent:HeartbeatInterval must be between")]
    [InlineData("--Agent:NodeName=bad\u0007name", "Agent:NodeName must not contain control characters")]
    [InlineData("--Agent:Labels:bad key=x", "Agent:Labels")]
    [InlineData("--Agent:Reconnect:InitialDelay=00:00:00", "Agent:Reconnect:InitialDelay must be positive")]
    [InlineData("--Agent:Reconnect:MaxDelay=00:00:00.100", "Agent:Reconnect:MaxDelay must not be shorter")]
    [InlineData("--Agent:Reconnect:Multiplier=0.5", "Agent:Reconnect:Multiplier must be 1 or more")]
    [InlineData("--Agent:Reconnect:Jitter=1.5", "Agent:Reconnect:Jitter must be at least 0 and below 1")]
    [InlineData("--Agent:RestartDefaults:MaxRestarts=-2", "Agent:RestartDefaults:MaxRestarts must be between 0 and 1000")]
    [InlineData("--Agent:RestartDefaults:InitialDelay=00:00:00", "Agent:RestartDefaults:InitialDelay must be positive")]
    public void A_bad_value_is_refused_with_its_key(string setting, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind([.. Valid, setting]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_that_cannot_be_converted_names_its_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind([.. Valid, "--Agent:HeartbeatInterval=soon"]));

        Assert.Contains("'Agent:HeartbeatInterval'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_named_on_the_command_line_must_exist()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.json");

        var error = Assert.Throws<InvalidOperationException>(() => Bind([.. Valid, "--config", missing]));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_file_overrides_appsettings_and_the_command_line_overrides_the_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Agent": { "NodeName": "from-file", "HeartbeatInterval": "00:00:02" } }""");
        try
        {
            var options = Bind([.. Valid, "--config", file, "--Agent:HeartbeatInterval=00:00:03"]);

            Assert.Equal("from-file", options.NodeName);
            Assert.Equal(TimeSpan.FromSeconds(3), options.HeartbeatInterval);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_config_file_that_is_not_valid_json_names_the_file_and_where_it_breaks()
    {
        var file = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "{ \"Agent\": { \"NodeName\": \"web-01\",\n  oops } }");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => Bind([.. Valid, "--config", file]));

            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains("LineNumber: 1", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_change_to_the_config_file_that_does_not_parse_keeps_the_settings_read_before()
    {
        var file = Path.Combine(Path.GetTempPath(), $"agent-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "Agent": { "NodeName": "web-01" } }""");
        try
        {
            var source = new AgentFileConfigurationSource { Path = file, ReloadOnChange = false };
            source.ResolveFileProvider();
            var configuration = new ConfigurationBuilder().Add(source).Build();
            var provider = configuration.Providers.OfType<AgentFileConfigurationProvider>().Single();
            var rejections = new List<string>();
            provider.ChangeRejected = rejections.Add;

            File.WriteAllText(file, """{ "Agent": { "NodeName": "web-02" """);
            configuration.Reload();

            Assert.Equal("web-01", configuration["Agent:NodeName"]);
            Assert.Contains(rejections, reason => reason.Contains("JSON", StringComparison.OrdinalIgnoreCase));

            File.WriteAllText(file, """{ "Agent": { "NodeName": "web-03" } }""");
            configuration.Reload();

            Assert.Equal("web-03", configuration["Agent:NodeName"]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static AgentOptions Bind(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = args });
        builder.AddAgentConfiguration(args);
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
    }
}

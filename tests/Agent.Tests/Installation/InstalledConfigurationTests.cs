using System.Text.Json;
using Vigil.Agent.Installation;

namespace Vigil.Agent.Tests.Installation;

/// <summary>What the installer's configure step writes into agent.json from the MSI's properties.</summary>
public sealed class InstalledConfigurationTests
{
    private const string Data = "/var/lib/vigil-agent";

    [Fact]
    public void A_first_install_writes_the_address_the_token_and_the_data_folder()
    {
        var (content, errors) = InstalledConfiguration.Merge(null, "http://cp.example:5080", "token-0123456789", Data);

        Assert.Empty(errors);
        var agent = Agent(content!);
        Assert.Equal("http://cp.example:5080", agent.GetProperty("ControlPlaneUrl").GetString());
        Assert.False(agent.TryGetProperty("ControlPlaneUrls", out _));
        Assert.Equal("token-0123456789", agent.GetProperty("EnrollmentToken").GetString());
        Assert.Equal(Data, agent.GetProperty("DataDirectory").GetString());
    }

    [Fact]
    public void Several_addresses_are_kept_in_order_and_the_first_is_the_address()
    {
        var (content, _) = InstalledConfiguration.Merge(null, " http://a.example:5080 , https://b.example ", "t", Data);

        var agent = Agent(content!);
        Assert.Equal("http://a.example:5080", agent.GetProperty("ControlPlaneUrl").GetString());
        Assert.Equal(["http://a.example:5080", "https://b.example"], agent.GetProperty("ControlPlaneUrls").EnumerateArray().Select(u => u.GetString()));
    }

    [Fact]
    public void An_upgrade_without_properties_keeps_everything_the_file_holds()
    {
        const string existing = """{ "Agent": { "ControlPlaneUrl": "http://cp:5080", "EnrollmentToken": "t", "NodeName": "web-01", "Services": [ { "Name": "api" } ] } }""";

        var (content, errors) = InstalledConfiguration.Merge(existing, "", "", Data);

        Assert.Empty(errors);
        var agent = Agent(content!);
        Assert.Equal("http://cp:5080", agent.GetProperty("ControlPlaneUrl").GetString());
        Assert.Equal("web-01", agent.GetProperty("NodeName").GetString());
        Assert.Equal("api", agent.GetProperty("Services")[0].GetProperty("Name").GetString());
    }

    [Theory]
    [InlineData("", "t", "CONTROLPLANEURL is required")]
    [InlineData("cp.example:5080", "t", "'cp.example:5080' is not")]
    [InlineData("http://cp.example,ftp://b", "t", "'ftp://b' is not")]
    [InlineData("http://cp.example", "", "ENROLLMENTTOKEN is required")]
    public void A_bad_property_writes_nothing_and_names_the_property(string urls, string token, string error)
    {
        var (content, errors) = InstalledConfiguration.Merge(null, urls, token, Data);

        Assert.Null(content);
        Assert.Contains(errors, e => e.Contains(error, StringComparison.Ordinal));
    }

    [Fact]
    public void A_file_that_is_not_json_is_not_overwritten()
    {
        var (content, errors) = InstalledConfiguration.Merge("{ not json", "http://cp", "t", Data);

        Assert.Null(content);
        Assert.Contains("cannot be read", Assert.Single(errors), StringComparison.Ordinal);
    }

    private static JsonElement Agent(string content) => JsonDocument.Parse(content).RootElement.GetProperty("Agent");
}

using Vigil.ControlPlane.Configurations;

namespace Vigil.ControlPlane.Tests.Configurations;

public sealed class JsonPathTests
{
    [Theory]
    [InlineData("Name", "name")]
    [InlineData("Probes:0:Interval", "probes[0].interval")]
    [InlineData("Restart:MaxDelay", "restart.maxDelay")]
    [InlineData("Arguments:3", "arguments[3]")]
    [InlineData("Environment:PATH", "environment.PATH")]
    [InlineData("Probes:1:Arguments:0", "probes[1].arguments[0]")]
    public void A_validator_key_becomes_the_path_of_the_field_in_the_request(string key, string path)
    {
        Assert.Equal(path, ConfigurationsApi.JsonPathOf(key));
    }
}

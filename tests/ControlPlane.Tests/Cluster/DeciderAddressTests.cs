using Vigil.ControlPlane.Cluster;

namespace Vigil.ControlPlane.Tests.Cluster;

public sealed class DeciderAddressTests
{
    [Fact]
    public void The_configured_address_wins_over_where_the_instance_listens() =>
        Assert.Equal("http://10.0.0.11:5080", DeciderAddress.Choose("http://10.0.0.11:5080/", ["http://127.0.0.1:5080"]));

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("https://cp1.example.com:8443/", "https://cp1.example.com:8443")]
    [InlineData("http://[::1]:5080", "http://[::1]:5080")]
    public void Without_one_the_first_address_listened_on_is_used(string listening, string expected) =>
        Assert.Equal(expected, DeciderAddress.Choose("", [listening]));

    [Theory]
    [InlineData("http://0.0.0.0:5080")]
    [InlineData("http://*:5080")]
    [InlineData("http://+:5080")]
    [InlineData("http://[::]:5080")]
    public void A_wildcard_names_no_address_others_can_reach(string listening) =>
        Assert.Null(DeciderAddress.Choose("", [listening]));

    [Fact]
    public void A_wildcard_is_passed_over_for_a_later_specific_address() =>
        Assert.Equal("http://10.0.0.11:5080", DeciderAddress.Choose("", ["http://0.0.0.0:5081", "http://10.0.0.11:5080"]));
}

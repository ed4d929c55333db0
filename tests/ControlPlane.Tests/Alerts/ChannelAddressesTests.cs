using System.Net;
using Vigil.ControlPlane.Alerts.Channels;

namespace Vigil.ControlPlane.Tests.Alerts;

public sealed class ChannelAddressesTests
{
    [Theory]
    [InlineData("169.254.169.254", true)]
    [InlineData("169.254.0.1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("169.253.255.255", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("::1", false)]
    public void Link_local_addresses_are_recognised_in_every_form(string address, bool linkLocal) =>
        Assert.Equal(linkLocal, ChannelAddresses.IsLinkLocal(IPAddress.Parse(address)));

    [Fact]
    public async Task A_host_name_resolves_to_its_addresses_that_are_not_link_local()
    {
        var addresses = await ChannelAddresses.ResolveAsync("localhost", TestContext.Current.CancellationToken);

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a)));
    }

    [Fact]
    public async Task A_link_local_host_is_refused_without_a_connection_and_named()
    {
        var refused = await Assert.ThrowsAsync<ChannelAddressRefusedException>(
            () => ChannelAddresses.ConnectAsync("169.254.169.254", 80, TestContext.Current.CancellationToken));

        Assert.Contains("169.254.169.254 resolves only to link-local addresses", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5000/hook", "http://[::]:5000", true)]
    [InlineData("http://127.0.0.1:5000/hook", "http://localhost:5000", true)]
    [InlineData("http://[::1]:5000/hook", "http://0.0.0.0:5000", true)]
    [InlineData("http://10.1.2.3:5000/hook", "http://*:5000", true)]
    [InlineData("http://vigil-host:5000/hook", "http://+:5000", true)]
    [InlineData("http://10.1.2.3:5000/hook", "http://10.1.2.3:5000", true)]
    [InlineData("https://vigil.example.com/api", "https://Vigil.Example.com", true)]
    [InlineData("http://127.0.0.1:5001/hook", "http://localhost:5000", false)]
    [InlineData("http://10.9.9.9:5000/hook", "http://[::]:5000", false)]
    [InlineData("http://10.1.2.3:5000/hook", "http://127.0.0.1:5000", false)]
    [InlineData("https://hooks.example.com/x", "https://vigil.example.com", false)]
    public void A_url_points_at_the_control_plane_on_its_port_at_its_host_or_at_this_machine_when_it_listens_on_every_address(string url, string own, bool matches) =>
        Assert.Equal(matches ? own : null, ControlPlaneAddresses.Matching(new Uri(url), [own], ["10.1.2.3", "vigil-host"]));
}

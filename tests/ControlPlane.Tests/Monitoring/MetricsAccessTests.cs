using System.Net;
using System.Security.Claims;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Tests.Monitoring;

public sealed class MetricsAccessTests
{
    private static readonly ClaimsPrincipal Nobody = new(new ClaimsIdentity());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Anyone_on_this_machine_may_read_when_allowed(string address) =>
        Assert.True(MetricsAccess.Allows(Nobody, IPAddress.Parse(address), anonymousFromLoopback: true));

    [Fact]
    public void Anyone_on_this_machine_is_refused_unless_allowed() =>
        Assert.False(MetricsAccess.Allows(Nobody, IPAddress.Loopback, anonymousFromLoopback: false));

    [Fact]
    public void Another_machine_needs_a_role_even_when_this_machine_is_allowed() =>
        Assert.False(MetricsAccess.Allows(Nobody, IPAddress.Parse("10.0.0.5"), anonymousFromLoopback: true));

    [Theory]
    [InlineData(VigilRoles.Viewer)]
    [InlineData(VigilRoles.Operator)]
    [InlineData(VigilRoles.Admin)]
    public void Every_role_may_read_from_anywhere(string role) =>
        Assert.True(MetricsAccess.Allows(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "test")), IPAddress.Parse("10.0.0.5"), anonymousFromLoopback: false));
}

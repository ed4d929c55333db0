using System.Net;
using System.Net.NetworkInformation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// The control plane's own addresses — where it listens and its public address (<c>Alerts:DashboardUrl</c>).
/// A channel posting there would send Vigil's messages, signed with the channel's secret, to Vigil itself,
/// so it is refused when the channel is saved unless <c>Alerts:AllowChannelsToControlPlane</c> is true.
/// </summary>
public sealed class ControlPlaneAddresses(IServer server, IOptions<AlertOptions> options)
{
    private static readonly string[] Wildcards = ["0.0.0.0", "::"];

    /// <summary>Whether channels may point at the control plane (<c>Alerts:AllowChannelsToControlPlane</c>).</summary>
    public bool Allowed => options.Value.AllowChannelsToControlPlane;

    /// <summary>The address of the control plane <paramref name="url"/> points at; null when it points elsewhere.</summary>
    public string? Matching(Uri url) => Matching(url, Own(), LocalHosts());

    /// <summary>
    /// Pure: the first of <paramref name="own"/> that <paramref name="url"/> reaches — same port, and the
    /// same host; a loopback host when it listens on loopback; loopback or a host of this machine
    /// (<paramref name="localHosts"/>: its name, its addresses) when it listens on every address.
    /// </summary>
    public static string? Matching(Uri url, IEnumerable<string> own, IReadOnlyCollection<string> localHosts)
    {
        var host = Host(url.IdnHost);
        foreach (var address in own)
        {
            if (!Uri.TryCreate(Parseable(address), UriKind.Absolute, out var listening) || listening.Port != url.Port)
            {
                continue;
            }

            var ownHost = Host(listening.IdnHost);
            var reaches = string.Equals(ownHost, host, StringComparison.OrdinalIgnoreCase)
                || (IsLoopback(ownHost) && IsLoopback(host))
                || (Wildcards.Contains(ownHost) && (IsLoopback(host) || localHosts.Contains(host, StringComparer.OrdinalIgnoreCase)));
            if (reaches)
            {
                return address;
            }
        }

        return null;
    }

    /// <summary>Where the control plane listens (as Kestrel reports it), and its public address when configured.</summary>
    public IReadOnlyList<string> Own()
    {
        var own = new List<string>(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
        if (options.Value.DashboardUrl is { Length: > 0 } dashboard)
        {
            own.Add(dashboard);
        }

        return own;
    }

    private static List<string> LocalHosts()
    {
        var hosts = new List<string> { Dns.GetHostName() };
        try
        {
            hosts.AddRange(NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(n => n.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address.ToString()));
        }
        catch (NetworkInformationException)
        {
            // Without the interfaces' addresses, loopback and the machine's name still count.
        }

        return hosts;
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    private static string Host(string host) => host.Trim('[', ']');

    /// <summary>Kestrel's wildcard hosts (<c>*</c>, <c>+</c>) are not URI hosts.</summary>
    private static string Parseable(string address) => address.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal);
}

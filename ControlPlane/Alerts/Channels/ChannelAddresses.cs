using System.Net;
using System.Net.Sockets;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// Where a channel may connect. A literal link-local address is refused when the channel is saved; a
/// host name is resolved at every connection, and its link-local addresses (where cloud metadata
/// services answer) are never connected to, so a name that resolves to one is refused as well.
/// </summary>
public static class ChannelAddresses
{
    public static bool IsLinkLocal(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => address.GetAddressBytes() is [169, 254, _, _],
        AddressFamily.InterNetworkV6 => address.IsIPv6LinkLocal || (address.IsIPv4MappedToIPv6 && IsLinkLocal(address.MapToIPv4())),
        _ => false,
    };

    /// <summary>The addresses of <paramref name="host"/> a channel may connect to; throws, naming the host, when there is none.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var all = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = all.Where(a => !IsLinkLocal(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw all.Length == 0
                ? new HttpRequestException($"{host} does not resolve to any address")
                : new ChannelAddressRefusedException(
                    $"{host} resolves only to link-local addresses ({string.Join(", ", all.Select(a => a.ToString()))}), where cloud metadata services answer: refused");
        }

        return allowed;
    }

    /// <summary>A socket connected to one of the allowed addresses of <paramref name="host"/>.</summary>
    public static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The HTTP client's connection: only to the allowed addresses of the request's host.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken), ownsSocket: true);
}

/// <summary>A channel's host resolves only to addresses it may not connect to.</summary>
public sealed class ChannelAddressRefusedException(string message) : HttpRequestException(message)
{
}

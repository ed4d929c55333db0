using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigil.TestSupport;

/// <summary>
/// A Linux network namespace a test created (<c>ip netns add</c>), with its address on the test's
/// bridge. Processes run inside it with <see cref="Launcher"/>; the test itself reaches servers
/// inside it through sockets created in it (<see cref="CreateSocket"/>), so its probes do not pass
/// through the links a test cuts.
/// </summary>
public sealed partial class NetworkNamespace(string name, IPAddress address)
{
    private const int CloneNewNet = 0x40000000;

    public string Name { get; } = name;

    /// <summary>This namespace's address on the bridge.</summary>
    public IPAddress Address { get; } = address;

    /// <summary>The command prefix that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Launcher => ["ip", "netns", "exec", Name];

    /// <summary>
    /// A TCP socket that belongs to this namespace: created on a thread of its own that enters the
    /// namespace and ends after (a socket keeps the namespace it was created in).
    /// </summary>
    public Socket CreateSocket()
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", Name));
                if (SetNamespace(handle.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"Cannot enter the network namespace {Name}: error {Marshal.GetLastPInvokeError()}.");
                }

                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (Exception exception) when (exception is IOException or InvalidOperationException or SocketException or UnauthorizedAccessException)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException($"No socket in the network namespace {Name}.", failure);
    }

    /// <summary>Something listens on <paramref name="port"/> of this namespace's loopback right now.</summary>
    public bool Answers(int port) => Answers(CreateSocket(), port);

    /// <summary>Something listens on <paramref name="port"/> of the loopback of <paramref name="inside"/>, or of the test's own when null.</summary>
    public static bool Answers(NetworkNamespace? inside, int port) =>
        inside is null ? Answers(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), port) : inside.Answers(port);

    /// <summary>An HTTP handler whose connections are made inside <paramref name="inside"/> (the test's own namespace when null).</summary>
    public static HttpMessageHandler HttpHandler(NetworkNamespace? inside) => inside is null ? new SocketsHttpHandler() : new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = inside.CreateSocket();
            try
            {
                await socket.ConnectAsync(IPAddress.Parse(context.DnsEndPoint.Host), context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    public override string ToString() => Name;

    private static bool Answers(Socket socket, int port)
    {
        using (socket)
        {
            try
            {
                // A refusal comes back at once; only a connection that neither succeeds nor is refused
                // waits, and on a loaded machine the completion of a loopback connect can be late.
                return socket.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromSeconds(1));
            }
            catch (AggregateException)
            {
                return false;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNamespace(int fd, int type);
}

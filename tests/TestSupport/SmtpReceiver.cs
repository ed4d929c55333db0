using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MimeKit;

namespace Vigil.TestSupport;

/// <summary>
/// A real SMTP server on a loopback port, speaking enough of RFC 5321 for a client to deliver mail:
/// EHLO/HELO, STARTTLS (with a self-signed certificate), AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT.
/// It keeps each message it accepted, with its envelope and whether TLS and authentication were used.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly string _user;
    private readonly string _password;
    private Task _accepting = Task.CompletedTask;

    private SmtpReceiver(string user, string password)
    {
        _user = user;
        _password = password;
        Certificate = SelfSigned();
    }

    public sealed record ReceivedMail(string From, IReadOnlyList<string> To, MimeMessage Message, bool OverTls, string? AuthenticatedAs)
    {
        /// <summary>When the message was accepted.</summary>
        public DateTimeOffset ReceivedAt { get; } = DateTimeOffset.UtcNow;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate, hex: what a channel pins to trust it.</summary>
    public string Thumbprint => Convert.ToHexString(SHA256.HashData(Certificate.RawData));

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public IReadOnlyList<ReceivedMail> Received => [.. _received];

    public static SmtpReceiver Start(string user, string password)
    {
        var receiver = new SmtpReceiver(user, password);
        receiver._listener.Start();
        receiver._accepting = receiver.AcceptAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stopping.Dispose();
        Certificate.Dispose();
    }

    private async Task AcceptAsync()
    {
        var sessions = new List<Task>();
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                sessions.Add(SessionAsync(client));
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(sessions);
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var overTls = false;
        string? authenticated = null;
        string? from = null;
        var to = new List<string>();
        try
        {
            var (reader, writer) = Open(stream);
            await writer.WriteAsync("220 localhost test SMTP ready\r\n");
            while (await reader.ReadLineAsync(_stopping.Token) is { } line)
            {
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                var argument = line.Length > verb.Length ? line[(verb.Length + 1)..] : "";
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteAsync("250-localhost\r\n" + (overTls ? "" : "250-STARTTLS\r\n") + "250-AUTH PLAIN\r\n250 8BITMIME\r\n");
                        break;
                    case "HELO" or "NOOP":
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "STARTTLS":
                        await writer.WriteAsync("220 Go ahead\r\n");
                        var tls = new SslStream(stream);
                        await tls.AuthenticateAsServerAsync(Certificate);
                        stream = tls;
                        overTls = true;
                        (reader, writer) = Open(stream);
                        break;
                    case "AUTH":
                        var response = argument.Split(' ', 2) is [_, var initial] ? initial : await Ask(reader, writer);
                        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(response)).Split('\0');
                        if (parts is [_, var user, var password] && user == _user && password == _password)
                        {
                            authenticated = user;
                            await writer.WriteAsync("235 Authentication succeeded\r\n");
                        }
                        else
                        {
                            await writer.WriteAsync("535 Authentication credentials invalid\r\n");
                        }

                        break;
                    case "MAIL":
                        from = Address(argument);
                        to.Clear();
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "RCPT":
                        to.Add(Address(argument));
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "DATA":
                        await writer.WriteAsync("354 End data with <CR><LF>.<CR><LF>\r\n");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stopping.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        using (var message = new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())))
                        {
                            _received.Enqueue(new ReceivedMail(from ?? "", [.. to], await MimeMessage.LoadAsync(message), overTls, authenticated));
                        }

                        await writer.WriteAsync("250 OK: queued\r\n");
                        break;
                    case "RSET":
                        (from, to) = (null, []);
                        await writer.WriteAsync("250 OK\r\n");
                        break;
                    case "QUIT":
                        await writer.WriteAsync("221 Bye\r\n");
                        return;
                    default:
                        await writer.WriteAsync("502 Command not implemented\r\n");
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or the receiver stops.
        }
    }

    private static async Task<string> Ask(StreamReader reader, StreamWriter writer)
    {
        await writer.WriteAsync("334 \r\n");
        return await reader.ReadLineAsync() ?? "";
    }

    private static (StreamReader Reader, StreamWriter Writer) Open(Stream stream) =>
        (new StreamReader(stream, Encoding.UTF8, leaveOpen: true), new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true) { AutoFlush = true, NewLine = "\r\n" });

    /// <summary>"FROM:&lt;a@b&gt; SIZE=1" → "a@b".</summary>
    private static string Address(string argument)
    {
        var start = argument.IndexOf('<', StringComparison.Ordinal);
        var end = argument.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? argument[(start + 1)..end] : argument;
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>
/// E-mail through an SMTP server with MailKit: TLS on connect, STARTTLS or none as the channel says,
/// authentication when it names an account, one message to all its recipients (subject: the title;
/// body: the plain-text message with the link).
/// </summary>
public sealed class EmailSender : IAlertChannelSender
{
    public AlertChannelKind Kind => AlertChannelKind.Email;

    public async Task<SendOutcome> SendAsync(AlertChannel channel, AlertMessage message, CancellationToken cancellationToken)
    {
        var settings = channel.Settings;
        if (Problem(settings) is { } problem || settings is not { SmtpHost: { } host, From: { } from })
        {
            return new Misconfigured(Problem(settings) ?? "no SMTP server or sender is set");
        }

        var mail = new MimeMessage { Subject = message.Title, Body = new TextPart("plain") { Text = message.PlainText() } };
        mail.From.Add(MailboxAddress.Parse(from));
        mail.To.AddRange(settings.To.Select(MailboxAddress.Parse));
        mail.Headers.Add("X-Vigil-Alert", message.AlertId.ToString());

        using var smtp = new SmtpClient();
        smtp.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusted(certificate, errors, settings.CertificateThumbprint);
        try
        {
            var socket = await ChannelAddresses.ConnectAsync(host, settings.SmtpPort, cancellationToken);
            await smtp.ConnectAsync(socket, host, settings.SmtpPort, Options(settings.Security), cancellationToken);
            if (settings.UserName is { Length: > 0 } user)
            {
                await smtp.AuthenticateAsync(user, channel.Secrets.Password ?? "", cancellationToken);
            }

            await smtp.SendAsync(mail, cancellationToken);
            await smtp.DisconnectAsync(quit: true, cancellationToken);
            return Sent.Instance;
        }
        catch (AuthenticationException exception)
        {
            return new Misconfigured($"the SMTP server did not accept the account {settings.UserName}: {exception.Message}");
        }
        catch (SmtpCommandException exception)
        {
            return new SmtpRefused((int)exception.StatusCode, ChannelPoster.Shorter(exception.Message));
        }
        catch (Exception exception) when (exception is SmtpProtocolException or SocketException or IOException or SslHandshakeException or ServiceNotConnectedException)
        {
            return new Unreachable(ChannelPoster.Shorter(exception.Message));
        }
        catch (ChannelAddressRefusedException exception)
        {
            return new Misconfigured(exception.Message);
        }
        catch (HttpRequestException exception)
        {
            return new Unreachable(ChannelPoster.Shorter(exception.Message));
        }
        catch (NotSupportedException exception)
        {
            // STARTTLS required but not offered, or no authentication mechanism in common.
            return new Misconfigured(ChannelPoster.Shorter(exception.Message));
        }
    }

    /// <summary>What keeps the settings from making a message; null when they can.</summary>
    public static string? Problem(AlertChannelSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            return "no SMTP server is set";
        }

        if (settings.SmtpPort is < 1 or > 65535)
        {
            return "the SMTP port must be between 1 and 65535";
        }

        if (!MailboxAddress.TryParse(settings.From, out _))
        {
            return "the sender (From) is not an e-mail address";
        }

        if (settings.To.Count == 0)
        {
            return "no recipient (To) is set";
        }

        return settings.To.FirstOrDefault(to => !MailboxAddress.TryParse(to, out _)) is { } bad ? $"the recipient {bad} is not an e-mail address" : null;
    }

    private static SecureSocketOptions Options(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };

    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, string? pinnedThumbprint)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || pinnedThumbprint is not { Length: > 0 })
        {
            return false;
        }

        var thumbprint = Convert.ToHexString(SHA256.HashData(certificate.GetRawCertData()));
        return string.Equals(thumbprint, pinnedThumbprint.Replace(":", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }
}

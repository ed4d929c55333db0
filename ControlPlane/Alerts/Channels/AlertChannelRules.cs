using System.Net;
using System.Net.Sockets;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>What makes a channel request valid: the checks name the field at fault, as problem details show them.</summary>
public static class AlertChannelRules
{
    public const int NameMaxLength = 128;
    public const int MaxRecipients = 50;
    public const int MaxHeaders = 20;

    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Host", "Transfer-Encoding", WebhookSender.SignatureHeader, WebhookSender.TimestampHeader,
    };

    /// <summary>The channel's kind and settings when the request is valid; otherwise null, with <paramref name="errors"/> filled.</summary>
    public static (AlertChannelKind Kind, AlertChannelSettings Settings)? Check(AlertChannelRequest request, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > NameMaxLength)
        {
            errors["name"] = [$"is required, at most {NameMaxLength} characters"];
        }

        var kind = request.Kind is { } text ? AlertChannel.ParseKind(text) : null;
        if (kind is null)
        {
            errors["kind"] = [$"must be one of {string.Join(", ", Enum.GetNames<AlertChannelKind>())}"];
        }

        var settings = request.Settings ?? new AlertChannelSettings();
        if (kind == AlertChannelKind.Email)
        {
            CheckEmail(settings, errors);
        }
        else if (kind is not null)
        {
            CheckUrl(settings.Url, errors);
        }

        if (kind == AlertChannelKind.Webhook)
        {
            CheckHeaders(settings.Headers, errors);
        }

        return errors.Count == 0 && kind is { } valid ? (valid, settings) : null;
    }

    private static void CheckEmail(AlertChannelSettings settings, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(settings.SmtpHost))
        {
            errors["settings.smtpHost"] = ["is required: the SMTP server's name or address"];
        }

        if (settings.SmtpPort is < 1 or > 65535)
        {
            errors["settings.smtpPort"] = ["must be from 1 to 65535"];
        }

        if (!MimeKit.MailboxAddress.TryParse(settings.From, out _))
        {
            errors["settings.from"] = ["must be an e-mail address"];
        }

        if (settings.To.Count is 0 or > MaxRecipients)
        {
            errors["settings.to"] = [$"must list 1 to {MaxRecipients} e-mail addresses"];
        }
        else if (settings.To.FirstOrDefault(to => !MimeKit.MailboxAddress.TryParse(to, out _)) is { } bad)
        {
            errors["settings.to"] = [$"{bad} is not an e-mail address"];
        }

        if (settings.CertificateThumbprint is { Length: > 0 } pin && pin.Replace(":", "", StringComparison.Ordinal) is var hex && (hex.Length != 64 || !hex.All(Uri.IsHexDigit)))
        {
            errors["settings.certificateThumbprint"] = ["must be a SHA-256 thumbprint: 64 hexadecimal digits"];
        }
    }

    private static void CheckUrl(string? url, IDictionary<string, string[]> errors)
    {
        if (!ChannelUrls.TryHttp(url, out var uri, out var problem))
        {
            errors["settings.url"] = [problem];
        }
        else if (IPAddress.TryParse(uri.IdnHost, out var address) && ChannelAddresses.IsLinkLocal(address))
        {
            errors["settings.url"] = ["may not point at a link-local address (169.254.0.0/16, fe80::/10): that is where cloud metadata services answer"];
        }
    }

    private static void CheckHeaders(IReadOnlyDictionary<string, string> headers, IDictionary<string, string[]> errors)
    {
        if (headers.Count > MaxHeaders)
        {
            errors["settings.headers"] = [$"at most {MaxHeaders} headers"];
        }
        else if (headers.Keys.FirstOrDefault(name => ReservedHeaders.Contains(name) || string.IsNullOrWhiteSpace(name) || !name.All(c => c > ' ' && c < 127 && c != ':')) is { } bad)
        {
            errors["settings.headers"] = [$"'{bad}' cannot be set: it is not a header name, or Vigil sets it"];
        }
    }

}

using System.Diagnostics.CodeAnalysis;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>The one check a channel's address passes before anything is posted to it.</summary>
public static class ChannelUrls
{
    public static bool TryHttp(string? text, [NotNullWhen(true)] out Uri? url, out string problem)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            (url, problem) = (null, "no URL is set");
            return false;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            (url, problem) = (null, "the URL is not an absolute http or https address");
            return false;
        }

        problem = "";
        return true;
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vigil.ControlPlane.Alerts.Channels;

/// <summary>Posts a JSON body to a channel's address and turns the answer (or the failure to get one) into a <see cref="SendOutcome"/>.</summary>
public sealed class ChannelPoster(IHttpClientFactory clients, TimeProvider time)
{
    /// <summary>The named client the channels post with (no timeout of its own: the delivery's applies).</summary>
    public const string ClientName = "Vigil.AlertChannels";

    private const int MaxReasonLength = 300;

    /// <param name="readBody">Reads a 2xx answer's body for a vendor's error code; null: any 2xx is success.</param>
    public async Task<SendOutcome> PostAsync(
        Uri url,
        string body,
        IEnumerable<KeyValuePair<string, string>> headers,
        Func<string, SendOutcome>? readBody,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var answer = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new HttpRefused((int)response.StatusCode, Shorter(answer.Length > 0 ? answer : response.ReasonPhrase ?? ""), RetryAfter(response.Headers.RetryAfter));
            }

            return readBody?.Invoke(answer) ?? Sent.Instance;
        }
        catch (HttpRequestException exception)
        {
            // The connection is made by ChannelAddresses, whose refusal the client wraps.
            return exception is ChannelAddressRefusedException || exception.InnerException is ChannelAddressRefusedException
                ? new Misconfigured(Shorter((exception.InnerException ?? exception).Message))
                : new Unreachable(Shorter(exception.Message));
        }
    }

    /// <summary>DingTalk and WeCom answer <c>{"errcode":0,"errmsg":"ok"}</c>; another code is a refusal, some of them rate limits.</summary>
    public static SendOutcome ReadErrorCode(string answer, IReadOnlySet<long> rateLimitCodes)
    {
        try
        {
            var node = JsonNode.Parse(answer);
            var code = node?["errcode"]?.GetValue<long>();
            if (code is null or 0)
            {
                return Sent.Instance;
            }

            return new ReceiverRefused(code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), Shorter(node?["errmsg"]?.GetValue<string>() ?? ""), rateLimitCodes.Contains(code.Value));
        }
        catch (JsonException)
        {
            return new ReceiverRefused("unreadable", Shorter(answer), RateLimited: false);
        }
    }

    public static string Shorter(string text) => text.Length <= MaxReasonLength ? text : text[..MaxReasonLength];

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };
}

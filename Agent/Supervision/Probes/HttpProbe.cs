using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.Probes;

/// <summary>GET the URL: healthy when the status is in the expected range and the body contains the expected text.</summary>
public sealed class HttpProbe(ProbeDefinition definition, HttpClient http) : IProbe
{
    private const int BodyLimit = 64 * 1024;
    private readonly StatusRange _expected = StatusRange.TryParse(definition.ExpectedStatus, out var range) ? range : new StatusRange(200, 399);

    public async Task<ProbeResult> RunAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(definition.Timeout);
        try
        {
            using var response = await http.GetAsync(definition.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (!_expected.Contains(status))
            {
                return ProbeResult.Fail($"HTTP {status}, expected {_expected}");
            }

            if (definition.BodyContains is { Length: > 0 } expected)
            {
                var body = await ReadLimitedAsync(response, timeout.Token);
                if (!body.Contains(expected, StringComparison.Ordinal))
                {
                    return ProbeResult.Fail($"HTTP {status} but the body lacks '{expected}'");
                }
            }

            return ProbeResult.Pass($"HTTP {status}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Fail($"no answer within {definition.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException exception)
        {
            return ProbeResult.Fail(exception.Message);
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[BodyLimit];
        var read = 0;
        int last;
        while (read < buffer.Length && (last = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += last;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, read);
    }
}

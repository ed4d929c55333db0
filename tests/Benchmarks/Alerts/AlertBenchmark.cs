using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Benchmarks.Simulator;
using Vigil.TestSupport;

namespace Vigil.Benchmarks.Alerts;

/// <summary>
/// Alert latency and the heartbeat path under an alert storm, against a running control plane:
/// simulated agents fall silent one by one (each a NodeSuspect alert to a webhook and an SMTP
/// server), then a whole set at once while steady agents keep heartbeating and are measured.
/// </summary>
public static class AlertBenchmark
{
    private static readonly string[] MailTo = ["ops@bench.example"];

    public const string Usage = """
        alerts --url URL --token ENROLLMENT_TOKEN [--events 100] [--storm 1000] [--steady 1000] [--gap 300ms] [--storm-window 30s]
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        var events = Number(options, "--events", 100);
        var storm = Number(options, "--storm", 1000);
        var steady = Number(options, "--steady", 1000);
        var gap = SimulatorSettings.ParseDuration(options.GetValueOrDefault("--gap", "300ms"));
        var stormWindow = SimulatorSettings.ParseDuration(options.GetValueOrDefault("--storm-window", "30s"));
        var settings = SimulatorSettings.Parse([.. options.Where(o => o.Key is "--url" or "--token" or "--server-pid" or "--interval").SelectMany(o => new[] { o.Key, o.Value })])
            with
        { Ramp = TimeSpan.FromSeconds(Math.Max(10, (events + storm + steady) / 100)) };

        using var webhook = new WebhookSink(RepositoryLayout.FreePort());
        await using var smtp = SmtpReceiver.Start("bench", "bench-password-0123456789");
        using var api = new HttpClient { BaseAddress = settings.Url, DefaultRequestHeaders = { { "X-API-Key", ControlPlaneView.ApiKey } } };
        var hook = await CreateAsync(api, "/api/v1/alert-channels", new { name = "bench hook", kind = "Webhook", settings = new { url = webhook.Url.ToString() } });
        var mail = await CreateAsync(api, "/api/v1/alert-channels", new
        {
            name = "bench mail",
            kind = "Email",
            settings = new { smtpHost = "127.0.0.1", smtpPort = smtp.Port, security = "None", from = "vigil@bench.example", to = MailTo },
        });
        await CreateAsync(api, "/api/v1/alert-rules", new { name = "node silent", condition = "NodeSuspect", severity = "Critical", channels = new[] { hook, mail } });

        var background = new SimulationCounters();
        var measured = new SimulationCounters();
        var silent = Enumerable.Range(1, events + storm).Select(n => new Heartbeating(new SimulatedAgent(n, settings, background))).ToList();
        var measuredAgents = Enumerable.Range(events + storm + 1, steady).Select(n => new Heartbeating(new SimulatedAgent(n, settings, measured))).ToList();
        try
        {
            Console.WriteLine($"Connecting {silent.Count + measuredAgents.Count} agents over {settings.Ramp.TotalSeconds:0} s");
            await ConnectAllAsync([.. silent, .. measuredAgents], settings.Ramp);
            await Task.Delay(TimeSpan.FromSeconds(10));

            Console.WriteLine($"{events} nodes fall silent, one every {gap.TotalMilliseconds:0} ms");
            foreach (var agent in silent.Take(events))
            {
                await agent.FallSilentAsync();
                await Task.Delay(gap);
            }

            await WaitForAsync(() => webhook.Received.Count >= events && smtp.Received.Count >= events, TimeSpan.FromSeconds(60));
            var single = Latencies(webhook, smtp);

            Console.WriteLine($"{storm} nodes fall silent at once; {steady} others keep heartbeating (measured {stormWindow.TotalSeconds:0} s)");
            var deliveredBefore = webhook.Received.Count;
            measured.Measuring = true;
            var stormAt = DateTimeOffset.UtcNow;
            await Task.WhenAll(silent.Skip(events).Select(a => a.FallSilentAsync()));
            await Task.Delay(stormWindow);
            measured.Measuring = false;
            var stormDelivered = webhook.Received.Skip(deliveredBefore).ToList();
            var lastStormDelivery = stormDelivered.Count == 0 ? (TimeSpan?)null : stormDelivered.Max(r => r.At) - stormAt;

            Console.WriteLine(Report(events, single, storm, stormDelivered.Count, lastStormDelivery, steady, measured, stormWindow));
            return 0;
        }
        finally
        {
            await Task.WhenAll([.. silent.Select(a => a.DisposeAsync().AsTask()), .. measuredAgents.Select(a => a.DisposeAsync().AsTask())]);
        }
    }

    private static int Number(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static async Task<Guid> CreateAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(new Uri(path, UriKind.Relative), body);
        var text = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.GetProperty("id").GetGuid()
            : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {text}");
    }

    private static async Task ConnectAllAsync(IReadOnlyList<Heartbeating> agents, TimeSpan ramp)
    {
        using var gate = new SemaphoreSlim(64);
        var started = DateTime.UtcNow;
        var connecting = agents.Select(async (agent, i) =>
        {
            var due = started + (ramp * i / agents.Count);
            if (due > DateTime.UtcNow)
            {
                await Task.Delay(due - DateTime.UtcNow);
            }

            await gate.WaitAsync();
            try
            {
                await agent.StartAsync();
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(connecting);
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }
    }

    /// <summary>From each alert's start (the node's transition to Suspect) to its arrival, per receiver.</summary>
    private static (LatencyHistogram Webhook, LatencyHistogram Mail) Latencies(WebhookSink webhook, SmtpReceiver smtp)
    {
        var since = new Dictionary<string, DateTimeOffset>();
        var toWebhook = new LatencyHistogram();
        foreach (var (at, document) in webhook.Received.Where(r => r.Document.GetProperty("notification").GetString() == "Fired"))
        {
            var alert = document.GetProperty("alert");
            var start = alert.GetProperty("since").GetDateTimeOffset();
            since[alert.GetProperty("id").GetString()!] = start;
            toWebhook.Record(at - start);
        }

        var toMail = new LatencyHistogram();
        foreach (var mail in smtp.Received)
        {
            if (mail.Message.Headers["X-Vigil-Alert"] is { } id && since.TryGetValue(id, out var start))
            {
                toMail.Record(mail.ReceivedAt - start);
            }
        }

        return (toWebhook, toMail);
    }

    private static string Report(
        int events, (LatencyHistogram Webhook, LatencyHistogram Mail) single, int storm, int stormDelivered, TimeSpan? lastStormDelivery,
        int steady, SimulationCounters measured, TimeSpan window) => string.Create(CultureInfo.InvariantCulture, $"""

        | alerts | receiver | received | p50 | p99 | max |
        | ---: | --- | ---: | ---: | ---: | ---: |
        | {events} one by one | webhook | {single.Webhook.Count} | {Ms(single.Webhook.Quantile(0.5))} | {Ms(single.Webhook.Quantile(0.99))} | {Ms(single.Webhook.Max)} |
        | {events} one by one | SMTP | {single.Mail.Count} | {Ms(single.Mail.Quantile(0.5))} | {Ms(single.Mail.Quantile(0.99))} | {Ms(single.Mail.Max)} |

        Storm: {storm} nodes silent at once; {stormDelivered} webhook alerts received within {window.TotalSeconds:0} s, the last {(lastStormDelivery is { } last ? $"{last.TotalSeconds:0.0} s" : "–")} after the storm began.
        Heartbeats of the {steady} other agents during the storm: {measured.AcknowledgedHeartbeats} acknowledged, ack p50 {Ms(measured.Latency.Quantile(0.5))}, p99 {Ms(measured.Latency.Quantile(0.99))}, max {Ms(measured.Latency.Max)}, {measured.FailedHeartbeats} failures, {measured.TimedOutHeartbeats} timeouts.
        """);

    private static string Ms(TimeSpan span) => string.Create(CultureInfo.InvariantCulture, $"{span.TotalMilliseconds:0} ms");

    /// <summary>A simulated agent whose heartbeats can be stopped on purpose, leaving its connection open (a hung node, not a clean stop).</summary>
    private sealed class Heartbeating(SimulatedAgent agent) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _beating = new();
        private Task _heartbeats = Task.CompletedTask;

        public async Task StartAsync()
        {
            if (await agent.ConnectAsync(_beating.Token))
            {
                _heartbeats = agent.HeartbeatAsync(_beating.Token);
            }
        }

        public async Task FallSilentAsync()
        {
            await _beating.CancelAsync();
            await _heartbeats.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        public async ValueTask DisposeAsync()
        {
            await FallSilentAsync();
            await agent.DisposeAsync();
            _beating.Dispose();
        }
    }
}

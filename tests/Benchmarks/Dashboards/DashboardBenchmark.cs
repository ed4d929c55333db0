using System.Globalization;
using Microsoft.Playwright;
using Vigil.Benchmarks.Simulator;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.TestSupport;

namespace Vigil.Benchmarks.Dashboards;

/// <summary>
/// How live the dashboard is under load: a probe agent (a real SignalR client) heartbeats a service
/// whose state the benchmark flips; PAGES signed-in Chromium pages show the probe's node page; each
/// page notes (a MutationObserver, the browser's clock) when the new state appears. The figure is
/// from just before the heartbeat that carries the change is sent to the moment the page shows it,
/// over every page and change. It also samples the control plane's CPU for IDLE seconds before the
/// pages open and again while they are open and nothing changes: what the open dashboards cost.
/// Other load (the agent simulator with thousands of agents) runs beside it, started by the script.
/// </summary>
internal static class DashboardBenchmark
{
    private const string Usage =
        "dashboards --url URL --token TOKEN --password PASSWORD [--pages 20] [--changes 40] [--idle 20s] [--server-pid PID]";

    private const string SeenScript = """
        expected => new Promise(resolve => {
            const seen = () => [...document.querySelectorAll('[data-testid="service-state"]')].some(cell => cell.textContent.trim() === expected);
            if (seen()) { resolve(Date.now()); return; }
            const observer = new MutationObserver(() => { if (seen()) { observer.disconnect(); resolve(Date.now()); } });
            observer.observe(document.body, { subtree: true, childList: true, characterData: true });
        })
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = Options.Parse(args);
        if (options is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await using var probe = await TestAgentConnection.ConnectAsync(options.Url, options.Token, nodeName: "bench-dashboard-probe");
        await probe.RegisterAsync();
        using var beat = new ProbeHeartbeats(probe);
        using var stopping = new CancellationTokenSource();
        var beating = beat.RunAsync(stopping.Token);

        var cpuAlone = await IdleCpuAsync(options);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
        });
        var pages = new List<IPage>();
        for (var i = 0; i < options.Pages; i++)
        {
            pages.Add(await OpenAsync(browser, options, probe.NodeId));
        }

        Console.WriteLine($"{pages.Count} dashboards open on the probe's node page");
        var cpuWatching = await IdleCpuAsync(options);

        var latencies = new List<double>();
        var missed = 0;
        for (var change = 0; change < options.Changes; change++)
        {
            var next = change % 2 == 0 ? ServiceState.Stopped : ServiceState.Running;
            var watching = pages.Select(page => page.EvaluateAsync<double>(SeenScript, next.ToString())).ToList();
            var sentAt = await beat.ChangeAsync(next);
            foreach (var seen in watching)
            {
                if (await Task.WhenAny(seen, Task.Delay(TimeSpan.FromSeconds(10))) == seen)
                {
                    latencies.Add(Math.Max(0, await seen - sentAt));
                }
                else
                {
                    missed++;
                }
            }

            // The next change comes after a quiet while, as state changes of one node do.
            await Task.Delay(TimeSpan.FromMilliseconds(500 + Random.Shared.Next(500)));
        }

        await stopping.CancelAsync();
        await beating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            change shown in {options.Pages} dashboards x {options.Changes} changes: {latencies.Count} seen, {missed} not within 10 s
              p50 {Quantile(latencies, 0.5):0} ms  p99 {Quantile(latencies, 0.99):0} ms  max {(latencies.Count > 0 ? latencies[^1] : double.NaN):0} ms
            control plane CPU, {options.Idle.TotalSeconds:0} s without changes: {Format(cpuAlone)} with no dashboard, {Format(cpuWatching)} with {options.Pages} open
            """));
        return missed == 0 ? 0 : 1;
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, Options options, Guid nodeId)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(options.Url, "/account/login").ToString());
        await page.GetByLabel("User name").FillAsync("admin");
        await page.GetByLabel("Password").FillAsync(options.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync(new Uri(options.Url, $"/nodes/{nodeId}").ToString());
        await page.Locator("[data-dashboard-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator("[data-testid=service-state]").First.WaitForAsync();
        return page;
    }

    private static async Task<double?> IdleCpuAsync(Options options)
    {
        if (options.ServerPid is not { } pid || ProcessSample.Read(pid) is not { } before)
        {
            return null;
        }

        await Task.Delay(options.Idle);
        return ProcessSample.Read(pid)?.CpuPercentSince(before);
    }

    private static string Format(double? cpu) => cpu is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value:0.0} % of one core") : "not sampled";

    private static double Quantile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private sealed record Options(Uri Url, string Token, string Password, int Pages, int Changes, TimeSpan Idle, int? ServerPid)
    {
        public static Options? Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                values[args[i]] = args[i + 1];
            }

            if (!values.TryGetValue("--url", out var url) || !values.TryGetValue("--token", out var token) || !values.TryGetValue("--password", out var password))
            {
                return null;
            }

            return new Options(
                new Uri(url),
                token,
                password,
                int.Parse(values.GetValueOrDefault("--pages", "20"), CultureInfo.InvariantCulture),
                int.Parse(values.GetValueOrDefault("--changes", "40"), CultureInfo.InvariantCulture),
                TimeSpan.FromSeconds(double.Parse(values.GetValueOrDefault("--idle", "20s").TrimEnd('s'), CultureInfo.InvariantCulture)),
                values.TryGetValue("--server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null);
        }
    }

    /// <summary>The probe's heartbeats every second, and one at once when its service's state changes.</summary>
    private sealed class ProbeHeartbeats(TestAgentConnection probe) : IDisposable
    {
        private readonly SemaphoreSlim _sending = new(1, 1);
        private ServiceState _state = ServiceState.Running;

        public async Task RunAsync(CancellationToken stopping)
        {
            while (!stopping.IsCancellationRequested)
            {
                await SendAsync();
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
            }
        }

        public void Dispose() => _sending.Dispose();

        /// <summary>Sends the new state at once; returns when it was sent, in the Unix milliseconds the browser counts in.</summary>
        public Task<double> ChangeAsync(ServiceState state) => SendAsync(state);

        /// <summary>The state changes under the lock, so that no regular heartbeat carries it before its time is taken.</summary>
        private async Task<double> SendAsync(ServiceState? changed = null)
        {
            await _sending.WaitAsync();
            try
            {
                _state = changed ?? _state;
                var sentAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                await probe.HeartbeatAsync(probe.NextHeartbeat() with
                {
                    Services = [new ServiceReport { Name = "web", Kind = "process", State = _state, Health = ServiceHealth.Healthy, Reason = "benchmark probe" }],
                });
                return sentAt;
            }
            finally
            {
                _sending.Release();
            }
        }
    }
}

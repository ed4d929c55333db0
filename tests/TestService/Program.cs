using System.Diagnostics;
using System.Runtime.InteropServices;
using Vigil.TestService;

var options = TestServiceOptions.Parse(args);
if (options.OrphanStarter)
{
    // A console of its own: ending the service's console ends the processes attached to it, under Wine at least.
    using var orphan = Process.Start(new ProcessStartInfo("ping", ["-n", "3600", "127.0.0.1"]) { UseShellExecute = false, CreateNoWindow = true });
    return 0;
}

if (options.FailToStart)
{
    await Console.Error.WriteLineAsync($"test service {options.Name} refuses to start");
    return 3;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{options.Port}");
builder.Services.AddWindowsService();
builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (options.IgnoreStop)
{
    // No console lifetime: SIGTERM and Ctrl+C must not start a shutdown.
    builder.Services.AddSingleton<IHostLifetime, DeafLifetime>();
}

var app = builder.Build();
var behaviour = new Behaviour();

app.MapGet("/", () => Results.Json(new { name = options.Name, pid = Environment.ProcessId, startedAt = behaviour.StartedAt }));
app.MapGet("/health", () => behaviour.Healthy ? Results.Text($"ok {options.Name}") : Results.Text("unhealthy", statusCode: 500));
app.MapPost("/unhealthy", () => behaviour.Healthy = false);
app.MapPost("/healthy", () => behaviour.Healthy = true);
app.MapPost("/hang", () => behaviour.Hung = true);
app.MapPost("/crash", (int? code) =>
{
    _ = Task.Delay(50).ContinueWith(_ => Environment.Exit(code ?? 1), TaskScheduler.Default);
    return Results.Accepted();
});
app.Use(async (context, next) =>
{
    if (behaviour.Hung)
    {
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    }

    await next(context);
});

using var ignoreTerm = options.IgnoreStop ? IgnoreStopSignals() : null;
app.Lifetime.ApplicationStarted.Register(() =>
{
    StateFile.Append(options.StateFile, "started");
    Console.WriteLine($"test service {options.Name} listening on {string.Join(", ", app.Urls)}, pid {Environment.ProcessId}");
    if (options.SpawnChild)
    {
        StateFile.Append(options.StateFile, "child", SpawnChild().Id);
    }

    if (options.SpawnOrphan)
    {
        using var starter = SpawnOrphan();
    }
});
app.Lifetime.ApplicationStopping.Register(() => StateFile.Append(options.StateFile, "stopped"));

if (options.ExitAfter is { } exitAfter)
{
    _ = Task.Delay(exitAfter).ContinueWith(_ => Environment.Exit(options.ExitCode), TaskScheduler.Default);
}

if (options.Chatty)
{
    _ = Chatter.RunAsync(options.Name, app.Lifetime.ApplicationStopping);
}

await app.RunAsync();
return 0;

static IDisposable IgnoreStopSignals()
{
    var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
    var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);
    return new Both(term, interrupt);
}

static Process SpawnChild() => OperatingSystem.IsWindows()
    ? Process.Start(new ProcessStartInfo("ping", ["-n", "3600", "127.0.0.1"]) { RedirectStandardOutput = true })!
    : Process.Start(new ProcessStartInfo("sleep", ["3600"]))!;

static Process SpawnOrphan() => OperatingSystem.IsWindows()
    ? Process.Start(new ProcessStartInfo(Environment.ProcessPath!, ["--orphan-starter"]) { UseShellExecute = false })!
    : Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "sleep 3600 &"]))!;

internal sealed class DeafLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal sealed class Behaviour
{
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public volatile bool Healthy = true;

    public volatile bool Hung;
}

internal sealed class Both(IDisposable first, IDisposable second) : IDisposable
{
    public void Dispose()
    {
        first.Dispose();
        second.Dispose();
    }
}

internal static class Chatter
{
    public static async Task RunAsync(string name, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        var tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                Console.WriteLine($"{name} tick {tick} {new string('.', 80)}");
                if (tick++ % 5 == 0)
                {
                    await Console.Error.WriteLineAsync($"{name} warning {tick}");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}

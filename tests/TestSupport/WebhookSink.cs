using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Vigil.TestSupport;

/// <summary>A webhook receiver on a loopback port: answers 200 and keeps each alert document with the time it arrived.</summary>
public sealed class WebhookSink : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<(DateTimeOffset At, JsonElement Document)> _received = new();
    private readonly Task _serving;

    public WebhookSink(int port)
    {
        Url = new Uri($"http://127.0.0.1:{port}/hook/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    public IReadOnlyList<(DateTimeOffset At, JsonElement Document)> Received => [.. _received];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var at = DateTimeOffset.UtcNow;
            using (var body = new StreamReader(context.Request.InputStream))
            {
                _received.Enqueue((at, JsonDocument.Parse(await body.ReadToEndAsync()).RootElement.Clone()));
            }

            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>One request a <see cref="WebhookReceiver"/> received.</summary>
public sealed record ReceivedRequest(int Number, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, string ContentType, string Body);

/// <summary>
/// A real HTTP server (Kestrel on a loopback port) standing in for a webhook, Slack, Teams, DingTalk or
/// WeCom: it records each request and answers as the test says — a status and a body, or never.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private int _count;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The receiver's answer to a request; <see cref="Hang"/> never answers.</summary>
    public sealed record Answer(int Status, string Body = "")
    {
        public static readonly Answer Hang = new(-1);

        public static readonly Answer Ok = new(200, "ok");
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <param name="answer">Given each request (numbered from 1), says how to answer it.</param>
    public static async Task<WebhookReceiver> StartAsync(Func<ReceivedRequest, Answer> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.Run(context => receiver.HandleAsync(context, answer));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address + "/hooks/alerts");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, Func<ReceivedRequest, Answer> answer)
    {
        using var reader = new StreamReader(context.Request.Body);
        var request = new ReceivedRequest(
            Interlocked.Increment(ref _count),
            context.Request.Path,
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            context.Request.ContentType ?? "",
            await reader.ReadToEndAsync(context.RequestAborted));
        _received.Enqueue(request);
        var reply = answer(request);
        if (reply == Answer.Hang)
        {
            // Until the sender gives up (it closes the connection) or the receiver stops.
            using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
            await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }

        context.Response.StatusCode = reply.Status;
        await context.Response.WriteAsync(reply.Body, context.RequestAborted);
    }
}

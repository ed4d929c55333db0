using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Roles;

/// <summary>
/// The optional local HTTP endpoint for load balancers (<c>Agent:RoleEndpoint</c>):
/// <c>GET /roles/{group}</c> answers 200 where this node holds the group's active role and may run
/// its service, 503 where it does not, 404 for a group this node is not in; <c>GET /roles</c> lists them.
/// HEAD gets the same headers without the body; other methods get 405.
/// </summary>
public sealed partial class RoleEndpoint(IOptions<AgentOptions> options, RoleKeeper roles, ILogger<RoleEndpoint> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.RoleEndpoint))
        {
            return;
        }

        var prefix = options.Value.RoleEndpoint.EndsWith('/') ? options.Value.RoleEndpoint : options.Value.RoleEndpoint + "/";
        using var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException exception)
        {
            LogCannotListen(prefix, exception.Message);
            return;
        }

        LogListening(prefix);
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                Send(context, context.Request.HttpMethod, Answer(context.Request.HttpMethod, context.Request.Url?.AbsolutePath ?? ""));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // One request must never end the endpoint, let alone the agent.
                LogAnswerFailed(exception, context.Request.HttpMethod, context.Request.RawUrl);
                context.Response.Abort();
            }
        }
    }

    /// <summary>What to answer a request: GET and HEAD are answered alike (HEAD without the body), anything else is refused with 405.</summary>
    internal RoleAnswer Answer(string method, string requestPath)
    {
        if (method is not ("GET" or "HEAD"))
        {
            return new(HttpStatusCode.MethodNotAllowed, "only GET and HEAD are answered\n");
        }

        var path = requestPath.TrimEnd('/');
        var held = roles.Roles()
            .Select(r => new HeldRole(r.GroupName, r.GroupId, r.Service, r.Epoch, r.Active && roles.PermissionFor(r.Service).MayKeepRunning))
            .ToList();
        if (path == "/roles")
        {
            return new(HttpStatusCode.OK, JsonSerializer.Serialize(held, AgentLineJson.Default.ListHeldRole), "application/json");
        }

        if (!path.StartsWith("/roles/", StringComparison.Ordinal))
        {
            return new(HttpStatusCode.NotFound, "try /roles or /roles/{group}\n");
        }

        var group = Uri.UnescapeDataString(path["/roles/".Length..]);
        var role = held.FirstOrDefault(r => r.Group.Equals(group, StringComparison.OrdinalIgnoreCase) || r.GroupId.ToString() == group);
        if (role is null)
        {
            return new(HttpStatusCode.NotFound, $"this node is not a member of group {group}\n");
        }

        return role.Active ? new(HttpStatusCode.OK, "active\n") : new(HttpStatusCode.ServiceUnavailable, "standby\n");
    }

    private static void Send(HttpListenerContext context, string method, RoleAnswer answer)
    {
        using var response = context.Response;
        var bytes = Encoding.UTF8.GetBytes(answer.Body);
        response.StatusCode = (int)answer.Status;
        response.ContentType = answer.ContentType;
        if (answer.Status == HttpStatusCode.MethodNotAllowed)
        {
            response.AddHeader("Allow", "GET, HEAD");
        }

        response.ContentLength64 = bytes.Length;
        if (method != "HEAD")
        {
            response.OutputStream.Write(bytes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Role endpoint for load balancers listening on {Prefix}")]
    private partial void LogListening(string prefix);

    [LoggerMessage(Level = LogLevel.Error, Message = "The role endpoint cannot listen on {Prefix}: {Reason}. Check Agent:RoleEndpoint")]
    private partial void LogCannotListen(string prefix, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The role endpoint could not answer {Method} {Url}; it goes on answering other requests")]
    private partial void LogAnswerFailed(Exception exception, string method, string? url);
}

/// <summary>One role as the role endpoint lists it: active where this node holds it and may run its service.</summary>
internal sealed record HeldRole(string Group, Guid GroupId, string Service, long Epoch, bool Active);

/// <summary>The role endpoint's answer to one request.</summary>
internal sealed record RoleAnswer(HttpStatusCode Status, string Body, string ContentType = "text/plain");

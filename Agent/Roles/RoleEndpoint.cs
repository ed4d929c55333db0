using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;

namespace Vigil.Agent.Roles;

/// <summary>
/// The optional local HTTP endpoint for load balancers (<c>Agent:RoleEndpoint</c>):
/// <c>GET /roles/{group}</c> answers 200 where this node holds the group's active role and may run
/// its service, 503 where it does not, 404 for a group this node is not in; <c>GET /roles</c> lists them.
/// </summary>
public sealed partial class RoleEndpoint(IOptions<AgentOptions> options, RoleKeeper roles, ILogger<RoleEndpoint> logger) : BackgroundService
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
                Answer(context);
            }
            catch (Exception exception) when (exception is HttpListenerException or IOException)
            {
                LogAnswerFailed(exception.Message);
            }
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        var path = context.Request.Url?.AbsolutePath.TrimEnd('/') ?? "";
        if (context.Request.HttpMethod is not ("GET" or "HEAD"))
        {
            Write(response, HttpStatusCode.MethodNotAllowed, "only GET and HEAD are answered\n");
            return;
        }

        var held = roles.Roles().Select(r => new
        {
            Group = r.GroupName,
            r.GroupId,
            r.Service,
            r.Epoch,
            Active = r.Active && roles.PermissionFor(r.Service).MayKeepRunning,
        }).ToList();
        if (path == "/roles")
        {
            Write(response, HttpStatusCode.OK, JsonSerializer.Serialize(held, Json), "application/json");
            return;
        }

        if (!path.StartsWith("/roles/", StringComparison.Ordinal))
        {
            Write(response, HttpStatusCode.NotFound, "try /roles or /roles/{group}\n");
            return;
        }

        var group = Uri.UnescapeDataString(path["/roles/".Length..]);
        var role = held.FirstOrDefault(r => r.Group.Equals(group, StringComparison.OrdinalIgnoreCase) || r.GroupId.ToString() == group);
        if (role is null)
        {
            Write(response, HttpStatusCode.NotFound, $"this node is not a member of group {group}\n");
            return;
        }

        Write(response, role.Active ? HttpStatusCode.OK : HttpStatusCode.ServiceUnavailable, role.Active ? "active\n" : "standby\n");
    }

    private static void Write(HttpListenerResponse response, HttpStatusCode status, string body, string contentType = "text/plain")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = (int)status;
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        response.OutputStream.Write(bytes);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Role endpoint for load balancers listening on {Prefix}")]
    private partial void LogListening(string prefix);

    [LoggerMessage(Level = LogLevel.Error, Message = "The role endpoint cannot listen on {Prefix}: {Reason}. Check Agent:RoleEndpoint")]
    private partial void LogCannotListen(string prefix, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A role endpoint answer failed: {Reason}")]
    private partial void LogAnswerFailed(string reason);
}

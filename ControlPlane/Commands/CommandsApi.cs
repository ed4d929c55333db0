using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;

namespace Vigil.ControlPlane.Commands;

/// <summary>REST surface of commands: <c>/api/v1/commands</c>.</summary>
public static class CommandsApi
{
    private static readonly CommandKind[] OperatorKinds = [CommandKind.Restart, CommandKind.Start, CommandKind.Stop, CommandKind.Pause, CommandKind.Continue];

    public static IEndpointRouteBuilder MapCommandsApi(this IEndpointRouteBuilder app)
    {
        var commands = app.MapGroup("/api/v1/commands").WithTags("Commands");
        commands.MapPost("/", PostCommand)
            .WithName("PostCommand")
            .WithSummary("Sends a command to a managed service on a node.")
            .WithDescription("Stores the command and delivers it to the node's agent, at once or when it next connects; its state follows at the returned location. An Idempotency-Key header makes a retry return the same command instead of a second one.")
            .Responds<CommandResponse>(StatusCodes.Status201Created, "The command was stored; Location names it.")
            .Responds<CommandResponse>(StatusCodes.Status200OK, "A retry with the same Idempotency-Key: the command stored the first time (header Idempotent-Replayed: true).")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The command is not valid (unknown node or service, a kind operators may not send, a value out of range); `errors` names each field.")
            .RespondsWithProblem(StatusCodes.Status422UnprocessableEntity, "The Idempotency-Key was used for a different command.")
            .NeedsTheDatabase();
        commands.MapGet("/", ListCommands)
            .WithName("ListCommands")
            .WithSummary("Lists commands, newest first, filtered and paged.")
            .WithDescription("Operators' commands and the role commands failover groups send.")
            .Responds<PagedResult<CommandResponse>>(StatusCodes.Status200OK, "One page of commands.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        commands.MapGet("/{id}", GetCommand)
            .WithName("GetCommand")
            .WithSummary("Gets one command and its state.")
            .WithDescription("Pending until delivered, Sent until the agent answers, then Succeeded, Failed, TimedOut or Expired.")
            .Responds<CommandResponse>(StatusCodes.Status200OK, "The command.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No command has this id.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Created<CommandResponse>, Ok<CommandResponse>, ValidationProblem, ProblemHttpResult>> PostCommand(
        CommandRequest request,
        [FromHeader(Name = "Idempotency-Key"), Description("Any unique text up to 128 characters; a retry with the same key returns the same command.")] string? idempotencyKey,
        CommandPipeline pipeline,
        NodeRegistry registry,
        HttpContext http,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var node = request.NodeId is { } nodeId ? registry.Find(nodeId) : null;
        if (request.NodeId is null)
        {
            errors["nodeId"] = ["is required"];
        }
        else if (node is null)
        {
            errors["nodeId"] = [$"no node has the id '{request.NodeId}'"];
        }

        if (string.IsNullOrWhiteSpace(request.Service))
        {
            errors["service"] = ["is required"];
        }
        else if (node is not null && !node.Services.Any(s => s.Name.Equals(request.Service, StringComparison.OrdinalIgnoreCase)))
        {
            errors["service"] = [$"node {node.Name} reports no managed service named '{request.Service}'"];
        }

        CommandKind kind = default;
        if (request.Kind is null || !BodyChecks.TryParseName(request.Kind, out kind) || !OperatorKinds.Contains(kind))
        {
            errors["kind"] = [$"must be one of {string.Join(", ", OperatorKinds.Select(k => k.ToString().ToLowerInvariant()))}"];
        }

        BodyChecks.Range(errors, "timeToLiveSeconds", request.TimeToLiveSeconds, 1, 86_400);
        BodyChecks.Range(errors, "timeoutSeconds", request.TimeoutSeconds, 1, 3_600);
        if (idempotencyKey is { Length: 0 or > 128 })
        {
            errors["Idempotency-Key"] = ["must be 1 to 128 characters"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The command is not valid.");
        }

        var service = node!.Services.First(s => s.Name.Equals(request.Service, StringComparison.OrdinalIgnoreCase)).Name;
        var result = await pipeline.SubmitAsync(
            new NewCommand(node.Id, service, kind, "api")
            {
                IdempotencyKey = idempotencyKey,
                TimeToLive = request.TimeToLiveSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
                Timeout = request.TimeoutSeconds is { } timeout ? TimeSpan.FromSeconds(timeout) : null,
            },
            cancellationToken);
        if (result.KeyConflict)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status422UnprocessableEntity,
                title: "The Idempotency-Key was used for a different request.",
                detail: $"Command {result.Command.Id} was stored under this key for {result.Command.Kind} {result.Command.Service} on node {result.Command.NodeId}; use a new key for a new command.");
        }

        var response = CommandResponse.From(result.Command, node.Name);
        if (result.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Ok(response);
        }

        return TypedResults.Created($"/api/v1/commands/{response.Id}", response);
    }

    internal static async Task<Results<Ok<CommandResponse>, ProblemHttpResult>> GetCommand(
        [Description("The command's id (a GUID).")] string id, CommandPipeline pipeline, NodeRegistry registry, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var commandId) || await pipeline.FindAsync(commandId, cancellationToken) is not { } command)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Command not found.", detail: $"No command has the id '{id}'.");
        }

        return TypedResults.Ok(CommandResponse.From(command, registry.Find(command.NodeId)?.Name));
    }

    internal static async Task<Results<Ok<PagedResult<CommandResponse>>, ValidationProblem>> ListCommands(
        CommandPipeline pipeline,
        NodeRegistry registry,
        [Description("Only commands for this node (its id).")] string? node = null,
        [Description("Only commands for this managed service (its name).")] string? service = null,
        [Description("Only commands in this state: Pending, Sent, Succeeded, Failed, TimedOut or Expired.")] string? state = null,
        [Description("Only commands of this kind, e.g. Restart or Activate.")] string? kind = null,
        [Description("Only role commands of this failover group (its id).")] string? group = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Commands per page, 1 to 500 (default 50).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var filter = new CommandQuery(
            query.Identifier(node, "node"),
            string.IsNullOrWhiteSpace(service) ? null : service,
            query.OneOf<CommandState>(state, "state"),
            query.OneOf<CommandKind>(kind, "kind"),
            query.Identifier(group, "group"),
            query.Page(page),
            query.PageSize(pageSize, fallback: 50));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await pipeline.ListAsync(filter, cancellationToken);
        var responses = items.Select(c => CommandResponse.From(c, registry.Find(c.NodeId)?.Name)).ToList();
        return TypedResults.Ok(new PagedResult<CommandResponse>(responses, filter.Page, filter.PageSize, total));
    }
}

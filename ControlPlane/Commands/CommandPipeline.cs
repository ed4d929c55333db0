using System.Text.Json;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Nodes;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Commands;

/// <summary>
/// Commands are stored first, then delivered to the agent's connection, at least once: again when the
/// agent reconnects, and again while no answer has come (the agent answers a repeat from its journal).
/// Every state change is one conditional update, so a late answer, a sweep and a delivery can race
/// without overwriting each other. Delivery itself runs on <see cref="CommandDelivery"/>.
/// </summary>
public sealed partial class CommandPipeline(
    IDbContextFactory<VigilDbContext> databases,
    NodeRegistry registry,
    IOptions<CommandOptions> options,
    TimeProvider time,
    CommandChangeFeed changes,
    ILogger<CommandPipeline> logger) : Failover.IRoleCommandSink
{
    private static readonly CommandState[] Open = [CommandState.Pending, CommandState.Sent];
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();

    /// <summary>Raised after a command reached a final state (or timed out).</summary>
    public event Action<CommandFinished>? Finished;

    /// <summary>Nodes that have something to deliver, read by <see cref="CommandDelivery"/>.</summary>
    internal ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    public async Task<SubmitResult> SubmitAsync(NewCommand request, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TrySubmitAsync(request, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < 4)
            {
                // The state writer stored the node meanwhile, or the same key raced in (the next look finds it): look again.
            }
        }
    }

    private async Task<SubmitResult> TrySubmitAsync(NewCommand request, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (request.IdempotencyKey is { } key && await db.Commands.AsNoTracking().FirstOrDefaultAsync(c => c.IdempotencyKey == key, cancellationToken) is { } earlier)
        {
            return new SubmitResult(earlier, Replayed: true, KeyConflict: earlier.RequestFingerprint != request.Fingerprint);
        }

        // Whole milliseconds: what every provider stores, so a read gives back the times the POST answered.
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
        var settings = options.Value;
        var isRole = request.Role is not null;
        var command = new StoredCommand
        {
            Id = Guid.CreateVersion7(now),
            NodeId = request.NodeId,
            Service = request.Service,
            Kind = request.Kind.ToString(),
            State = CommandState.Pending,
            Origin = request.Origin,
            IdempotencyKey = request.IdempotencyKey,
            RequestFingerprint = request.IdempotencyKey is null ? null : request.Fingerprint,
            GroupId = request.Role?.GroupId,
            Epoch = request.Role?.Epoch,
            Role = request.Role is null ? null : JsonSerializer.Serialize(request.Role),
            TimeoutMs = (int)(request.Timeout ?? (isRole ? settings.RoleTimeout : settings.Timeout)).TotalMilliseconds,
            CreatedAt = now,
            ExpiresAt = now + (request.TimeToLive ?? (isRole ? settings.RoleTimeToLive : settings.TimeToLive)),
        };
        await NodeRows.EnsureAsync(db, registry.Find(request.NodeId), cancellationToken);
        db.Commands.Add(command);
        await db.SaveChangesAsync(cancellationToken);

        LogSubmitted(command.Id, command.Kind, command.Service, command.NodeId, command.Origin);
        changes.Publish(command.NodeId);
        _deliveries.Writer.TryWrite(new Delivery(command.NodeId, Everything: false));
        return new SubmitResult(command, Replayed: false, KeyConflict: false);
    }

    public async Task<StoredCommand?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Commands.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    public async Task<(IReadOnlyList<StoredCommand> Items, int Total)> ListAsync(CommandQuery query, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var commands = db.Commands.AsNoTracking();
        if (query.NodeId is { } nodeId)
        {
            commands = commands.Where(c => c.NodeId == nodeId);
        }

        if (query.Service is { } service)
        {
            commands = commands.Where(c => c.Service == service);
        }

        if (query.State is { } state)
        {
            commands = commands.Where(c => c.State == state);
        }

        if (query.Kind is { } kind)
        {
            var name = kind.ToString();
            commands = commands.Where(c => c.Kind == name);
        }

        if (query.GroupId is { } groupId)
        {
            commands = commands.Where(c => c.GroupId == groupId);
        }

        var total = await commands.CountAsync(cancellationToken);
        var items = await commands
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id)
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>The node's agent (re)connected: everything open for it goes out again.</summary>
    public void NodeConnected(Guid nodeId) => _deliveries.Writer.TryWrite(new Delivery(nodeId, Everything: true));

    /// <summary>The commands to hand to the node's connection now, each marked Sent first.</summary>
    internal async Task<IReadOnlyList<AgentCommand>> TakeForDeliveryAsync(Guid nodeId, bool everything, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var resendBefore = now - options.Value.ResendAfter;
        var open = await db.Commands.AsNoTracking()
            .Where(c => c.NodeId == nodeId && Open.Contains(c.State))
            .OrderBy(c => c.CreatedAt)
            .ToListAsync(cancellationToken);
        var due = open.Where(c => everything || c.State == CommandState.Pending || c.SentAt <= resendBefore).ToList();
        var taken = new List<AgentCommand>(due.Count);
        foreach (var command in due)
        {
            var answerDue = command.AnswerDueAt ?? now + TimeSpan.FromMilliseconds(command.TimeoutMs);
            var marked = await db.Commands
                .Where(c => c.Id == command.Id && Open.Contains(c.State))
                .ExecuteUpdateAsync(
                    set => set.SetProperty(c => c.State, CommandState.Sent)
                        .SetProperty(c => c.SentAt, now)
                        .SetProperty(c => c.AnswerDueAt, answerDue)
                        .SetProperty(c => c.Attempts, c => c.Attempts + 1),
                    cancellationToken);
            if (marked == 1)
            {
                taken.Add(ToAgentCommand(command));
            }
        }

        if (taken.Count > 0)
        {
            changes.Publish(nodeId);
        }

        return taken;
    }

    /// <summary>Records an agent's answer, which came on <paramref name="connectionId"/>; false when the command is unknown, not the node's, or already final.</summary>
    public async Task<bool> CompleteAsync(Guid nodeId, CommandOutcome outcome, string connectionId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var state = outcome.Succeeded ? CommandState.Succeeded : CommandState.Failed;
        var now = time.GetUtcNow();
        var updated = await db.Commands
            .Where(c => c.Id == outcome.CommandId && c.NodeId == nodeId
                && (c.State == CommandState.Pending || c.State == CommandState.Sent || c.State == CommandState.TimedOut))
            .ExecuteUpdateAsync(
                set => set.SetProperty(c => c.State, state).SetProperty(c => c.CompletedAt, now).SetProperty(c => c.Message, outcome.Message),
                cancellationToken);
        if (updated == 0)
        {
            return false;
        }

        var command = await db.Commands.AsNoTracking().FirstAsync(c => c.Id == outcome.CommandId, cancellationToken);
        LogFinished(command.Id, command.Kind, command.Service, command.State, command.Message ?? "");
        changes.Publish(nodeId);
        Finished?.Invoke(new CommandFinished(command, connectionId));
        return true;
    }

    /// <summary>Expires what was never delivered in time and times out what was never answered; returns the nodes with commands to send again.</summary>
    internal async Task<IReadOnlyList<Guid>> SweepAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expired = await db.Commands.AsNoTracking().Where(c => c.State == CommandState.Pending && c.ExpiresAt <= now).ToListAsync(cancellationToken);
        foreach (var command in expired)
        {
            await EndAsync(db, command, CommandState.Pending, CommandState.Expired, "not delivered: the agent did not connect within the command's time-to-live", cancellationToken);
        }

        var unanswered = await db.Commands.AsNoTracking().Where(c => c.State == CommandState.Sent && c.AnswerDueAt <= now).ToListAsync(cancellationToken);
        foreach (var command in unanswered)
        {
            await EndAsync(db, command, CommandState.Sent, CommandState.TimedOut, $"no answer from the agent within {TimeSpan.FromMilliseconds(command.TimeoutMs)}", cancellationToken);
        }

        var resendBefore = now - options.Value.ResendAfter;
        return await db.Commands.AsNoTracking()
            .Where(c => c.State == CommandState.Sent && c.SentAt <= resendBefore)
            .Select(c => c.NodeId).Distinct().ToListAsync(cancellationToken);
    }

    /// <summary>Role commands of a group below <paramref name="epoch"/> that were not carried out yet will never be: a newer epoch replaced them.</summary>
    public async Task SupersedeAsync(Guid groupId, long epoch, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var stale = await db.Commands.AsNoTracking()
            .Where(c => c.GroupId == groupId && c.Epoch < epoch && Open.Contains(c.State))
            .ToListAsync(cancellationToken);
        foreach (var command in stale)
        {
            await EndAsync(db, command, command.State, CommandState.Expired, $"superseded by epoch {epoch}", cancellationToken);
        }
    }

    private async Task EndAsync(VigilDbContext db, StoredCommand command, CommandState from, CommandState to, string message, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.Commands
            .Where(c => c.Id == command.Id && c.State == from)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.State, to).SetProperty(c => c.CompletedAt, now).SetProperty(c => c.Message, message), cancellationToken);
        if (updated == 1)
        {
            command.State = to;
            command.CompletedAt = now;
            command.Message = message;
            LogFinished(command.Id, command.Kind, command.Service, to, message);
            changes.Publish(command.NodeId);
            Finished?.Invoke(new CommandFinished(command, AnsweredOn: null));
        }
    }

    private static AgentCommand ToAgentCommand(StoredCommand command) => new()
    {
        Id = command.Id,
        Kind = Enum.Parse<CommandKind>(command.Kind),
        Service = command.Service,
        Role = command.Role is null ? null : JsonSerializer.Deserialize<RoleGrant>(command.Role),
        TimeoutMs = command.TimeoutMs,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} stored: {Kind} {Service} on node {NodeId} (from {Origin})")]
    private partial void LogSubmitted(Guid commandId, string kind, string service, Guid nodeId, string origin);

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {CommandId} ({Kind} {Service}) is {State}: {Message}")]
    private partial void LogFinished(Guid commandId, string kind, string service, CommandState state, string message);
}

/// <summary>A command to store and deliver.</summary>
public sealed record NewCommand(Guid NodeId, string Service, CommandKind Kind, string Origin)
{
    public RoleGrant? Role { get; init; }

    public string? IdempotencyKey { get; init; }

    public TimeSpan? TimeToLive { get; init; }

    public TimeSpan? Timeout { get; init; }

    /// <summary>What this request asks for, to compare requests that share an Idempotency-Key.</summary>
    public string Fingerprint => $"{NodeId}|{Service}|{Kind}|{TimeToLive?.TotalSeconds}|{Timeout?.TotalSeconds}";
}

/// <summary>
/// A command that reached a final state (or timed out), and the agent connection its answer came on:
/// null when no answer ended it (expired, timed out, superseded by a newer epoch).
/// </summary>
public sealed record CommandFinished(StoredCommand Command, string? AnsweredOn);

/// <summary>What to hand to a node's connection: new commands, or everything open (after a reconnection).</summary>
internal sealed record Delivery(Guid NodeId, bool Everything);

public sealed record SubmitResult(StoredCommand Command, bool Replayed, bool KeyConflict);

public sealed record CommandQuery(Guid? NodeId, string? Service, CommandState? State, CommandKind? Kind, Guid? GroupId, int Page, int PageSize);

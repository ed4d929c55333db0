using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>The commands of a simulation as the database keeps them: they outlive the control plane that submitted them.</summary>
internal sealed class CommandTable(TimeProvider clock)
{
    public List<QueuedCommand> Queued { get; } = [];

    public SubmitResult Submit(NewCommand request)
    {
        var command = new StoredCommand
        {
            Id = Guid.NewGuid(),
            NodeId = request.NodeId,
            Service = request.Service,
            Kind = request.Kind.ToString(),
            Origin = request.Origin,
            GroupId = request.Role?.GroupId,
            Epoch = request.Role?.Epoch,
            State = CommandState.Pending,
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = clock.GetUtcNow() + TimeSpan.FromSeconds(60),
        };
        Queued.Add(new QueuedCommand(command, request.Kind, request.Role!));
        return new SubmitResult(command, Replayed: false, KeyConflict: false);
    }

    public void Supersede(Guid groupId, long epoch) =>
        Queued.RemoveAll(c => c.Command.State == CommandState.Pending && c.Command.GroupId == groupId && c.Command.Epoch < epoch);

    /// <summary>Commands handed to connections that are gone are handed again (at a control plane's start, or when <paramref name="nodeId"/> registers again).</summary>
    public void HandAgain(Guid? nodeId = null)
    {
        foreach (var queued in Queued.Where(c => c.Command.State == CommandState.Sent && (nodeId is null || c.Command.NodeId == nodeId)))
        {
            queued.Command.State = CommandState.Pending;
        }
    }

    /// <summary>Commands past their expiry leave the table: sent ones timed out, others expired.</summary>
    public IEnumerable<StoredCommand> Expire()
    {
        foreach (var queued in Queued.Where(c => clock.GetUtcNow() >= c.Command.ExpiresAt).ToList())
        {
            Queued.Remove(queued);
            queued.Command.State = queued.Command.State == CommandState.Sent ? CommandState.TimedOut : CommandState.Expired;
            yield return queued.Command;
        }
    }

    /// <summary>The agent's answer, if its command is still in the table: the command leaves it, finished.</summary>
    public StoredCommand? Finish(Guid commandId, bool succeeded, string message)
    {
        if (Queued.FirstOrDefault(c => c.Command.Id == commandId) is not { } queued)
        {
            return null;
        }

        Queued.Remove(queued);
        queued.Command.State = succeeded ? CommandState.Succeeded : CommandState.Failed;
        queued.Command.Message = message;
        return queued.Command;
    }
}

internal sealed record QueuedCommand(StoredCommand Command, CommandKind Kind, RoleGrant Grant);

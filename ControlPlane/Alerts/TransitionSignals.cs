using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Alerts;

/// <summary>What an ended failover or switchover, or a finished command, means to alert rules.</summary>
public static class TransitionSignals
{
    /// <summary>
    /// Failovers and failbacks count as failovers; switchovers as switchovers; elections raise nothing.
    /// The node the active role moved away from is the alert's cause: its maintenance silences it.
    /// </summary>
    public static AlertSignal? FromFailover(FailoverRecord record, string groupName, string fromNode, string toNode, DateTimeOffset now)
    {
        var switchover = record.Kind == TransitionKind.Switchover;
        if (record.Kind == TransitionKind.Election)
        {
            return null;
        }

        var completed = record.Outcome == TransitionOutcome.Completed;
        var condition = (switchover, completed) switch
        {
            (true, true) => AlertCondition.SwitchoverCompleted,
            (true, false) => AlertCondition.SwitchoverFailed,
            (false, true) => AlertCondition.FailoverCompleted,
            _ => AlertCondition.FailoverFailed,
        };
        var what = switchover ? "switchover" : record.Kind.ToString().ToLowerInvariant();
        var summary = completed
            ? $"group {groupName}: {what} of {record.Service} from {fromNode} to {toNode} completed at epoch {record.Epoch}"
            : $"group {groupName}: {what} of {record.Service} from {fromNode} to {toNode} failed at epoch {record.Epoch}";
        var action = completed
            ? $"moved the active role to {toNode} in {record.RtoMs} ms ({record.Reason})"
            : $"tried to move the active role to {toNode}: {record.Reason}";
        var target = AlertTarget.FailoverGroup(record.GroupId, groupName) with { CausedByNodeId = record.FromNodeId };
        return new ConditionObserved(condition, target, true, record.ConfirmedAt ?? now, summary)
        {
            Action = action,
        };
    }

    /// <summary>A command that failed, timed out or expired; null for one that succeeded or is still under way.</summary>
    public static AlertSignal? FromCommand(StoredCommand command, string nodeName, DateTimeOffset now)
    {
        if (command.State is not (CommandState.Failed or CommandState.TimedOut or CommandState.Expired))
        {
            return null;
        }

        var summary = $"{command.Kind} of service {command.Service} on node {nodeName} {Verb(command.State)}: {command.Message}";
        return new ConditionObserved(AlertCondition.CommandFailed, AlertTarget.ServiceOn(command.NodeId, nodeName, command.Service), true, command.CompletedAt ?? now, summary)
        {
            Action = $"sent it {command.Attempts} times ({command.Origin})",
        };
    }

    private static string Verb(CommandState state) => state switch
    {
        CommandState.TimedOut => "timed out",
        CommandState.Expired => "expired before it reached the agent",
        _ => "failed",
    };
}

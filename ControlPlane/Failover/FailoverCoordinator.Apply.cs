using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Commands;
using Vigil.Shared.Roles;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Failover;

/// <summary>How the coordinator applies the engine's decisions.</summary>
public sealed partial class FailoverCoordinator
{
    private const int ReasonMaxLength = 512;

    private async Task ApplyAsync(LiveGroup group, GroupSnapshot snapshot, FailoverDecision decision, CancellationToken cancellationToken)
    {
        switch (decision)
        {
            case FailoverDecision.Deactivate deactivate:
                var standby = snapshot.Members.First(m => m.MemberId == deactivate.MemberId);
                var sentAt = time.GetTimestamp();
                var deactivateId = await SendRoleCommandAsync(group, standby, CommandKind.Deactivate, cancellationToken);
                lock (group)
                {
                    group.DeactivateSentEpoch[standby.MemberId] = snapshot.Epoch;
                    group.DeactivatesOnTheirWay[deactivateId] = new DeactivateSent(standby.MemberId, snapshot.Epoch, sentAt);
                }

                break;
            case FailoverDecision.Begin begin:
                await BeginAsync(group, snapshot, begin, cancellationToken);
                break;
            case FailoverDecision.Activate activate:
                var target = snapshot.Members.First(m => m.MemberId == activate.MemberId);
                lock (group)
                {
                    // Noted before it goes: a Deactivate sent earlier is no longer this member's last word.
                    group.ActivateSentAt[target.MemberId] = time.GetTimestamp();
                }

                await SendRoleCommandAsync(group, target, CommandKind.Activate, cancellationToken);
                long? recordId;
                lock (group)
                {
                    recordId = group.PendingRecordId;
                    if (group.Pending is { } pending && pending.Epoch == snapshot.Epoch)
                    {
                        group.Pending = pending with { ActivateSent = true };
                    }
                    else
                    {
                        group.ActivateSentEpoch = snapshot.Epoch;
                    }

                    group.Status = $"activating {target.Service} on {target.NodeName} at epoch {snapshot.Epoch}";
                }

                if (recordId is { } id)
                {
                    var commandedAt = time.GetUtcNow();
                    await store.UpdateRecordAsync(id, r => r.CommandedAt = commandedAt, cancellationToken);
                }

                break;
            case FailoverDecision.Confirm:
                await EndTransitionAsync(group, failure: null, cancellationToken);
                break;
            case FailoverDecision.Abandon abandon:
                lock (group)
                {
                    group.RecordFailure(abandon.MemberId, time.GetTimestamp());
                    if (group.Definition.ActiveMemberId == abandon.MemberId)
                    {
                        group.ActivationFailure = abandon.Reason;
                    }
                }

                await EndTransitionAsync(group, abandon.Reason, cancellationToken);
                break;
            case FailoverDecision.Wait wait:
                lock (group)
                {
                    group.Status = wait.Status;
                    group.Halted = wait.Halted;
                    if (wait.DropsSwitchover)
                    {
                        group.Switchover = null;
                    }
                }

                break;
        }
    }

    /// <summary>Stores and sends a role command at the group's epoch; returns its id.</summary>
    private async Task<Guid> SendRoleCommandAsync(LiveGroup group, MemberView member, CommandKind kind, CancellationToken cancellationToken)
    {
        RoleGrant grant;
        lock (group)
        {
            grant = group.Grant(_options.Lease, _options.FenceAllowance);
        }

        var submitted = await commands.SubmitAsync(new NewCommand(member.NodeId, member.Service, kind, "failover") { Role = grant }, cancellationToken);
        return submitted.Command.Id;
    }

    private async Task BeginAsync(LiveGroup group, GroupSnapshot snapshot, FailoverDecision.Begin begin, CancellationToken cancellationToken)
    {
        var to = snapshot.Members.First(m => m.MemberId == begin.ToMemberId);
        var from = begin.FromMemberId is { } fromId ? snapshot.Members.FirstOrDefault(m => m.MemberId == fromId) : null;
        var now = time.GetUtcNow();
        var epoch = snapshot.Epoch + 1;
        long detectedAt;
        lock (group)
        {
            detectedAt = begin.Kind == TransitionKind.Failover && group.FailingSince is { } failing ? failing : time.GetTimestamp();
        }

        var record = await store.BeginAsync(group.Id, snapshot.Epoch, to.MemberId, new FailoverRecord
        {
            GroupId = group.Id,
            Kind = begin.Kind,
            FromNodeId = from?.NodeId,
            ToNodeId = to.NodeId,
            Service = to.Service,
            Epoch = epoch,
            Reason = Shorter(begin.Reason),
            DetectedAt = now - time.GetElapsedTime(detectedAt),
            DecidedAt = now,
            Outcome = TransitionOutcome.InProgress,
        }, cancellationToken);
        if (record is null)
        {
            // Another decider moved the epoch first: take the database's word and decide again.
            if (await store.FindAsync(group.Id, cancellationToken) is { } stored)
            {
                Upsert(stored);
            }

            LogLostRace(snapshot.Name, snapshot.Epoch);
            return;
        }

        lock (group)
        {
            group.Definition.Epoch = epoch;
            group.Definition.ActiveMemberId = to.MemberId;
            group.Pending = new PendingTransition { Kind = begin.Kind, Epoch = epoch, FromMemberId = from?.MemberId, ToMemberId = to.MemberId };
            group.PendingRecordId = record.Id;
            group.PendingDetectedAt = detectedAt;
            group.PendingOverlap = false;
            group.ActivationFailure = null;
            group.ActivateSentEpoch = -1;
            group.Switchover = null;
            group.Halted = false;
            if (begin.Kind == TransitionKind.Failover)
            {
                group.RecentFailovers.Add(time.GetTimestamp());
                if (from is not null)
                {
                    group.RecordFailure(from.MemberId, time.GetTimestamp());
                }
            }

            group.Status = $"{begin.Kind} to {to.NodeName} at epoch {epoch}: {begin.Reason}";
        }

        LogBegan(begin.Kind, snapshot.Name, from?.NodeName ?? "-", to.NodeName, epoch, begin.Reason);
        await commands.SupersedeAsync(group.Id, epoch, cancellationToken);
    }

    private async Task EndTransitionAsync(LiveGroup group, string? failure, CancellationToken cancellationToken)
    {
        long? recordId;
        bool overlap;
        long detectedAt;
        string name;
        lock (group)
        {
            recordId = group.PendingRecordId;
            overlap = group.PendingOverlap;
            detectedAt = group.PendingDetectedAt;
            name = group.Definition.Name;
            if (failure is null && group.Pending?.Kind == TransitionKind.Failover)
            {
                group.LastTransitionAt = time.GetTimestamp();
            }

            group.Pending = null;
            group.PendingRecordId = null;
        }

        if (recordId is not { } id)
        {
            return;
        }

        var now = time.GetUtcNow();
        var rto = (long)time.GetElapsedTime(detectedAt).TotalMilliseconds;
        var record = await store.UpdateRecordAsync(id, r =>
        {
            r.Outcome = failure is null ? TransitionOutcome.Completed : TransitionOutcome.Failed;
            r.Overlap = overlap;
            if (failure is null)
            {
                r.ConfirmedAt = now;
                r.RtoMs = rto;
            }
            else
            {
                r.Reason = Shorter($"{r.Reason}; failed: {failure}");
            }
        }, cancellationToken);
        if (record is null)
        {
            return;
        }

        var message = failure is null
            ? $"{record.Kind} to {registry.Find(record.ToNodeId)?.Name ?? record.ToNodeId.ToString()} at epoch {record.Epoch} completed in {rto} ms ({record.Reason})"
            : $"{record.Kind} to {registry.Find(record.ToNodeId)?.Name ?? record.ToNodeId.ToString()} at epoch {record.Epoch} failed: {failure}";
        LogEnded(name, message);
        await store.AddEventAsync(record, name, Shorter(message), cancellationToken);
        TransitionEnded?.Invoke(record);
    }

    private void OnCommandFinished(CommandFinished finished)
    {
        var command = finished.Command;
        if (command.GroupId is not { } groupId || !_groups.TryGetValue(groupId, out var group))
        {
            return;
        }

        lock (group)
        {
            NoteStandby(group, finished);
            var member = group.Definition.Members.FirstOrDefault(m => m.NodeId == command.NodeId && m.Service.Equals(command.Service, StringComparison.OrdinalIgnoreCase));
            if (member is null || command.Epoch != group.Epoch)
            {
                return;
            }

            var failure = command.State == CommandState.Succeeded ? null : $"{command.State}: {command.Message}";
            if (command.Kind == nameof(CommandKind.Activate))
            {
                if (group.Pending is { } pending && pending.ToMemberId == member.Id)
                {
                    group.Pending = failure is null ? pending with { Confirmed = true } : pending with { ActivationFailure = failure };
                }
                else if (group.Definition.ActiveMemberId == member.Id)
                {
                    // No longer on its way, whatever came of it: a member that gives the role up later (its
                    // agent stopped gracefully) is activated again instead of waited for.
                    group.ActivationFailure = failure;
                    group.ActivateSentEpoch = -1;
                }
            }
            else if (command.Kind == nameof(CommandKind.Deactivate) && failure is not null)
            {
                // Not carried out: send it again at the next decision.
                group.DeactivateSentEpoch.Remove(member.Id);
            }
        }
    }

    /// <summary>
    /// Keeps the agent's answer that it carried out a Deactivate this coordinator sent, with the
    /// connection it came on; whether it counts as a release (its epoch, connection, order, later
    /// reports) is for <see cref="FailoverEngine.StandsByAsConfirmed"/> to say. Only the member's newest
    /// Deactivate by epoch is kept. An answer that failed, or that no agent gave (expired, timed out), is none.
    /// </summary>
    private void NoteStandby(LiveGroup group, CommandFinished finished)
    {
        var command = finished.Command;
        if (command.Kind != nameof(CommandKind.Deactivate) || !group.DeactivatesOnTheirWay.Remove(command.Id, out var sent))
        {
            return;
        }

        if (command.State == CommandState.Succeeded && finished.AnsweredOn is { } connection
            && !(group.StandbyConfirmations.TryGetValue(sent.MemberId, out var kept) && kept.Epoch > sent.Epoch))
        {
            group.StandbyConfirmations[sent.MemberId] = new DeactivateConfirmed(sent.Epoch, connection, sent.SentAt, time.GetTimestamp());
        }
    }

    /// <summary>The monotonic timestamp that corresponds to a past wall-clock instant of this same machine.</summary>
    private long TimestampOf(DateTimeOffset instant, DateTimeOffset now) =>
        time.GetTimestamp() - (long)((now - instant).TotalSeconds * time.TimestampFrequency);

    private static string Shorter(string text) => text.Length <= ReasonMaxLength ? text : text[..ReasonMaxLength];

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of group {Group}: {From} -> {To} at epoch {Epoch}: {Reason}")]
    private partial void LogBegan(TransitionKind kind, string group, string from, string to, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: {Message}")]
    private partial void LogEnded(string group, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: another decider stored a newer epoch than {Epoch}; deciding again from the database")]
    private partial void LogLostRace(string group, long epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Group {Group}: resuming the {Kind} at epoch {Epoch} begun before the control plane restarted")]
    private partial void LogResumed(string group, TransitionKind kind, long epoch);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Group {Group}: more than one member reports holding the active role at once: {Members}")]
    private partial void LogOverlap(string group, string members);
}

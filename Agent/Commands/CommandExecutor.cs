using System.Collections.Concurrent;
using Vigil.Agent.Events;
using Vigil.Agent.Roles;
using Vigil.Agent.Supervision;
using Vigil.Agent.Supervision.Runtime;
using Vigil.Shared.Commands;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Commands;

/// <summary>
/// Carries out the control plane's commands, each at most once: a command seen before is answered
/// from the <see cref="CommandJournal"/>, one still running is joined. Role commands go through the
/// <see cref="RoleKeeper"/> (which refuses stale epochs) and the service's hooks; service commands
/// go to the supervised service's own loop.
/// </summary>
public sealed partial class CommandExecutor(
    Supervisor supervisor,
    RoleKeeper roles,
    CommandJournal journal,
    RoleHookRunner hookRunner,
    AgentEvents events,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<CommandExecutor> logger)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<CommandOutcome>>> _running = new();

    public Task<CommandOutcome> ExecuteAsync(AgentCommand command)
    {
        if (journal.Find(command.Id) is { } done)
        {
            LogAnsweredAgain(command.Id, command.Kind, command.Service);
            return Task.FromResult(done);
        }

        return _running.GetOrAdd(command.Id, _ => new Lazy<Task<CommandOutcome>>(() => RunAsync(command))).Value;
    }

    private async Task<CommandOutcome> RunAsync(AgentCommand command)
    {
        var timeout = TimeSpan.FromMilliseconds(Math.Clamp(command.TimeoutMs, 1000, 3_600_000));
        using var deadline = new CancellationTokenSource(timeout, time);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, lifetime.ApplicationStopping);
        bool succeeded;
        string message;
        try
        {
            message = await CarryOutAsync(command, cancel.Token);
            succeeded = true;
        }
        catch (ServiceOperationException exception)
        {
            (succeeded, message) = (false, exception.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Said with what holds the service now, e.g. a start still waiting for its lease.
            var held = supervisor.Find(command.Service) is { } service ? $"; {service.Name}: {service.Report().Reason}" : "";
            (succeeded, message) = (false, $"did not finish within {timeout}{held}");
        }

        var outcome = new CommandOutcome { CommandId = command.Id, Succeeded = succeeded, Message = Shorter(message) };
        if (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // A command cut short by the agent's stop is not remembered: delivered again, it runs again.
            journal.Record(outcome);
        }

        _running.TryRemove(command.Id, out _);
        events.Record(AgentEventKind.CommandExecuted, command.Service, $"{command.Kind} {(succeeded ? "done" : "failed")}: {outcome.Message}");
        return outcome;
    }

    private async Task<string> CarryOutAsync(AgentCommand command, CancellationToken cancellationToken)
    {
        var service = supervisor.Find(command.Service);
        switch (command.Kind)
        {
            case CommandKind.Activate:
                return await ActivateAsync(command, RoleOf(command), service ?? throw NotManaged(command.Service), cancellationToken);
            case CommandKind.Deactivate:
                return await DeactivateAsync(command, RoleOf(command), service, cancellationToken);
            case CommandKind.Release:
                var grant = RoleOf(command);
                return roles.Apply(CommandKind.Release, grant, command.Service) is { } refused
                    ? throw new ServiceOperationException(refused)
                    : $"released from group {grant.GroupName}; {command.Service} is back under plain supervision";
            default:
                return await (service ?? throw NotManaged(command.Service)).ControlAsync(command.Kind, cancellationToken);
        }
    }

    private async Task<string> ActivateAsync(AgentCommand command, Shared.Roles.RoleGrant grant, SupervisedService service, CancellationToken cancellationToken)
    {
        if (roles.ActivationRefusal(grant, service.Name) is { } refusal)
        {
            throw new ServiceOperationException(refusal);
        }

        var hooks = service.Definition.Hooks;
        if (await hookRunner.RunAsync(hooks.OnActivate, "activate", grant, service.Name, hooks.Timeout, cancellationToken) is { } hookFailed)
        {
            roles.SeeEpoch(grant, service.Name);
            throw new ServiceOperationException($"not activated: {hookFailed}");
        }

        if (roles.Apply(CommandKind.Activate, grant, service.Name) is { } refused)
        {
            throw new ServiceOperationException(refused);
        }

        var report = await service.WaitForReportAsync(r => r.State == ServiceState.Running || r.Health == ServiceHealth.Failed, cancellationToken);
        return report.State == ServiceState.Running
            ? $"active in group {grant.GroupName} at epoch {grant.Epoch}; {service.Name} running{(report.ProcessId is { } pid ? $", pid {pid}" : "")}"
            : throw new ServiceOperationException($"active in group {grant.GroupName} at epoch {grant.Epoch}, but {service.Name} failed: {report.Reason}");
    }

    private async Task<string> DeactivateAsync(AgentCommand command, Shared.Roles.RoleGrant grant, SupervisedService? service, CancellationToken cancellationToken)
    {
        if (roles.Apply(CommandKind.Deactivate, grant, command.Service) is { } refused)
        {
            throw new ServiceOperationException(refused);
        }

        if (service is null)
        {
            return $"standby in group {grant.GroupName} at epoch {grant.Epoch}; no managed service named {command.Service} on this node";
        }

        // The control plane counts this answer as the role released, so it confirms only a service seen
        // stopped, with no start under way, by a step that already held it as a standby. Unknown (not
        // observed yet, or the service manager cannot say) may be a service still running; a stop that
        // fails leaves it up, and the command then fails at its deadline.
        await service.WaitUntilHeldStoppedAsync(cancellationToken);
        var hooks = service.Definition.Hooks;
        var hookFailed = await hookRunner.RunAsync(hooks.OnDeactivate, "deactivate", grant, service.Name, hooks.Timeout, cancellationToken);
        return hookFailed is null
            ? $"standby in group {grant.GroupName} at epoch {grant.Epoch}; {service.Name} stopped"
            : $"standby in group {grant.GroupName} at epoch {grant.Epoch}; {service.Name} stopped, but {hookFailed}";
    }

    private static Shared.Roles.RoleGrant RoleOf(AgentCommand command) =>
        command.Role ?? throw new ServiceOperationException($"a {command.Kind} command must name its failover group and epoch");

    private static ServiceOperationException NotManaged(string service) => new($"this node has no managed service named {service}");

    private static string Shorter(string message) =>
        message.Length <= MessageLimits.CommandMessageMaxLength ? message : message[..MessageLimits.CommandMessageMaxLength];

    [LoggerMessage(Level = LogLevel.Debug, Message = "Command {CommandId} ({Kind} {Service}) delivered again; answered from the journal")]
    private partial void LogAnsweredAgain(Guid commandId, CommandKind kind, string service);
}

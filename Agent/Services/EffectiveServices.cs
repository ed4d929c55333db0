using System.Globalization;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Services;

/// <summary>
/// Merges the agent's own services with the control plane's desired ones. Names are unique per
/// node; when both declare the same name, the node's own file wins and the control plane's entry is
/// rejected (the local administrator has the last word on a standalone server). The control plane's
/// definitions run only the programs the agent's own <see cref="RemoteExecutionPolicy"/> allows.
/// </summary>
public static class EffectiveServices
{
    public static (IReadOnlyList<SourcedDefinition> Accepted, IReadOnlyList<RejectedDefinition> Rejected) Merge(
        (IReadOnlyList<SourcedDefinition> Accepted, IReadOnlyList<RejectedDefinition> Rejected) local, DesiredConfiguration desired, RemoteExecutionPolicy policy)
    {
        var remote = desired.Services
            .Select((definition, i) => new SourcedDefinition(definition, string.Create(CultureInfo.InvariantCulture, $"desired configuration v{desired.Version}:Services:{i}")))
            .ToList();
        var (remoteAccepted, remoteRejected) = LocalServiceDefinitions.Validate(remote);

        var accepted = new List<SourcedDefinition>(local.Accepted);
        var rejected = new List<RejectedDefinition>(local.Rejected);
        rejected.AddRange(remoteRejected);
        var names = new HashSet<string>(local.Accepted.Select(s => s.Definition.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var service in remoteAccepted)
        {
            if (RemoteExecutionRules.Check(service.Definition, policy) is { Count: > 0 } refusals)
            {
                rejected.Add(LocalServiceDefinitions.Rejection(service, refusals));
            }
            else if (accepted.Count >= Vigil.Shared.Validation.MessageLimits.ServiceCountMax)
            {
                rejected.Add(new RejectedDefinition(service.Definition.Name, service.Source, $"a node runs at most {Vigil.Shared.Validation.MessageLimits.ServiceCountMax} services"));
            }
            else if (names.Add(service.Definition.Name))
            {
                accepted.Add(service);
            }
            else
            {
                rejected.Add(new RejectedDefinition(service.Definition.Name, service.Source, "the agent's own configuration already defines a service with this name, and it wins"));
            }
        }

        return (accepted, rejected);
    }
}

using System.Text.Json;
using Vigil.Agent.Hosting;
using Vigil.Agent.Storage;
using Vigil.Shared.Services;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Services;

/// <summary>
/// The services declared in the agent's own configuration (<c>Agent:Services</c>). Each entry is
/// bound and validated on its own, so one bad entry is rejected with its key and the others run.
/// </summary>
public static class LocalServiceDefinitions
{
    public const string Section = "Agent:Services";

    /// <param name="windowsNode">Whether this node runs Windows (a run-as account needs it); this machine's system when not given.</param>
    public static (IReadOnlyList<SourcedDefinition> Accepted, IReadOnlyList<RejectedDefinition> Rejected) Read(IConfiguration configuration, bool? windowsNode = null)
    {
        var bound = new List<SourcedDefinition>();
        var rejected = new List<RejectedDefinition>();
        foreach (var entry in configuration.GetSection(Section).GetChildren())
        {
            var source = $"{Section}:{entry.Key}";
            try
            {
                bound.Add(new SourcedDefinition(ConfigurationJson.Read(entry, AgentLineJson.Default.ManagedServiceDefinition) ?? new ManagedServiceDefinition(), source));
            }
            catch (Exception exception) when (exception is InvalidOperationException or JsonException)
            {
                rejected.Add(new RejectedDefinition(entry["Name"], source, exception.Message));
            }
        }

        var windows = windowsNode ?? OperatingSystem.IsWindows();
        var (accepted, refused) = Validate(bound, rejected);
        var runnable = new List<SourcedDefinition>();
        var all = new List<RejectedDefinition>(refused);
        foreach (var candidate in accepted)
        {
            if (RunAsRules.OnNode(candidate.Definition, windows) is { Count: > 0 } problems)
            {
                all.Add(Rejection(candidate, problems));
            }
            else
            {
                runnable.Add(candidate);
            }
        }

        return (runnable, all);
    }

    /// <summary>Applies the shared rules (fields, limits, unique names) to already bound definitions.</summary>
    public static (IReadOnlyList<SourcedDefinition> Accepted, IReadOnlyList<RejectedDefinition> Rejected) Validate(
        IReadOnlyList<SourcedDefinition> candidates, List<RejectedDefinition>? rejected = null)
    {
        rejected ??= [];
        var errors = ServiceDefinitionValidator.ValidateAll([.. candidates.Select(c => c.Definition)]);
        var accepted = new List<SourcedDefinition>();
        for (var i = 0; i < candidates.Count; i++)
        {
            if (errors.TryGetValue(i, out var problems))
            {
                rejected.Add(Rejection(candidates[i], problems));
            }
            else
            {
                accepted.Add(candidates[i]);
            }
        }

        return (accepted, rejected);
    }

    /// <summary>A definition refused for these problems, each named by its exact key.</summary>
    public static RejectedDefinition Rejection(SourcedDefinition candidate, IReadOnlyList<FieldError> problems)
    {
        var name = string.IsNullOrWhiteSpace(candidate.Definition.Name) ? null : candidate.Definition.Name;
        return new RejectedDefinition(name, candidate.Source, string.Join("; ", problems.Select(p => $"{candidate.KeyOf(p.Field)} {p.Message}")));
    }
}

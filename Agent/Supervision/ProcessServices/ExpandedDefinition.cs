using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// What a <c>process</c> service is launched with: its arguments, working directory and environment
/// entries, with references to environment variables expanded (<see cref="EnvironmentReferences"/>).
/// The entries are expanded against the agent's environment; the others against what the process
/// will see, the agent's environment with the expanded entries on top. The executable is not
/// expanded: the programs an agent allows the control plane to run are checked as written. Pure.
/// </summary>
public sealed record ExpandedDefinition(
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    public static ExpandedDefinition Of(ManagedServiceDefinition definition, ReferenceSyntax syntax, IReadOnlyDictionary<string, string> agentEnvironment)
    {
        var agent = new Dictionary<string, string>(EnvironmentReferences.NameComparer(syntax));
        foreach (var (name, value) in agentEnvironment)
        {
            agent[name] = value;
        }

        var entries = EnvironmentReferences.ExpandEntries(definition.Environment, syntax, agent.GetValueOrDefault);
        string? Lookup(string name) => entries.TryGetValue(name, out var value) ? value : agent.GetValueOrDefault(name);
        string Expand(string text) => EnvironmentReferences.Expand(text, syntax, Lookup);
        return new(
            [.. definition.Arguments.Select(Expand)],
            definition.WorkingDirectory is { } folder ? Expand(folder) : null,
            entries);
    }

    /// <summary>The agent's own environment, as a launched process inherits it.</summary>
    public static Dictionary<string, string> AgentEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? "";
        }

        return variables;
    }
}

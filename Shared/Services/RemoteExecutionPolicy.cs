namespace Vigil.Shared.Services;

/// <summary>
/// Which programs an agent runs when the control plane defines them (process executables, command
/// probes, activation hooks). It comes from the agent's own configuration only, and the agent
/// announces it when it registers so that the control plane can say at once what the agent would
/// refuse. Empty lists: nothing from the control plane runs.
/// </summary>
public sealed record RemoteExecutionPolicy
{
    /// <summary>Full paths of programs the control plane may name.</summary>
    public IReadOnlyList<string> AllowedExecutables { get; init => field = value ?? []; } = [];

    /// <summary>Full paths of folders whose programs (at any depth) the control plane may name.</summary>
    public IReadOnlyList<string> AllowedFolders { get; init => field = value ?? []; } = [];

    /// <summary>Paths are Windows paths (any case, <c>\</c> or <c>/</c>); otherwise POSIX paths.</summary>
    public bool WindowsPaths { get; init; }

    /// <summary>True when the agent runs no program defined by the control plane.</summary>
    public bool AllowsNothing => AllowedExecutables.Count == 0 && AllowedFolders.Count == 0;
}

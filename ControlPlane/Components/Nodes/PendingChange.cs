using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Components.Nodes;

/// <summary>
/// A change of a node's desired services as reviewed before it is sent: the whole new list (what the
/// REST API's PUT takes), the version it was made from, and what it does to the one service concerned.
/// </summary>
/// <param name="Verb">What the change does, in words: "Add web", "Remove web".</param>
/// <param name="Index">The position of the added or changed service in <paramref name="Services"/>; -1 for a removal.</param>
public sealed record PendingChange(string Verb, long Version, IReadOnlyList<ManagedServiceDefinition> Services, int Index, IReadOnlyList<FieldChange> Fields);

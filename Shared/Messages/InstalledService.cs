namespace Vigil.Shared.Messages;

/// <summary>A Windows service installed on the node, as its service control manager lists it.</summary>
public sealed record InstalledService
{
    /// <summary>The service's name in the service control manager (what <c>sc query</c> shows as SERVICE_NAME).</summary>
    public required string Name { get; init; }

    public string DisplayName { get; init; } = "";
}

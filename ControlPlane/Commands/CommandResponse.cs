using Vigil.ControlPlane.Data.Commands;

namespace Vigil.ControlPlane.Commands;

/// <summary>A command as the REST API returns it.</summary>
public sealed record CommandResponse(
    Guid Id,
    Guid NodeId,
    string? NodeName,
    string Service,
    string Kind,
    CommandState State,
    string Origin,
    Guid? GroupId,
    long? Epoch,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? CompletedAt,
    string? Message)
{
    public static CommandResponse From(StoredCommand command, string? nodeName) => new(
        command.Id, command.NodeId, nodeName, command.Service, command.Kind, command.State, command.Origin, command.GroupId, command.Epoch,
        command.Attempts, command.CreatedAt, command.ExpiresAt, command.SentAt, command.CompletedAt, command.Message);
}

/// <summary>The body of <c>POST /api/v1/commands</c>.</summary>
public sealed record CommandRequest
{
    /// <summary>The node's id.</summary>
    public Guid? NodeId { get; init; }

    /// <summary>The managed service's name on the node.</summary>
    public string? Service { get; init; }

    /// <summary>restart, start, stop, pause or continue.</summary>
    public string? Kind { get; init; }

    /// <summary>How long the command may wait for a disconnected agent (1 to 86400 s; default 300).</summary>
    public int? TimeToLiveSeconds { get; init; }

    /// <summary>How long the agent may take once it has the command (1 to 3600 s; default 120).</summary>
    public int? TimeoutSeconds { get; init; }
}

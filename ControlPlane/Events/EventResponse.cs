using Vigil.ControlPlane.Data.Events;

namespace Vigil.ControlPlane.Events;

/// <summary>An event as the REST API returns it.</summary>
public sealed record EventResponse(
    long Id,
    Guid NodeId,
    string? NodeName,
    long Sequence,
    DateTimeOffset OccurredAt,
    DateTimeOffset ReceivedAt,
    string Kind,
    string? Service,
    string Message,
    int? ExitCode)
{
    public static EventResponse From(StoredEvent stored, string? nodeName) => new(
        stored.Id, stored.NodeId, nodeName, stored.Sequence, stored.OccurredAt, stored.ReceivedAt, stored.Kind, stored.Service, stored.Message, stored.ExitCode);
}

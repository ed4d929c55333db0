namespace Vigil.ControlPlane.Data.Commands;

public enum CommandState
{
    /// <summary>Stored; not yet handed to the agent's connection.</summary>
    Pending,

    /// <summary>Handed to the agent's connection at least once; no answer yet.</summary>
    Sent,
    Succeeded,
    Failed,

    /// <summary>Sent, but no answer came within the command's timeout.</summary>
    TimedOut,

    /// <summary>Never delivered: the agent did not connect within the time-to-live, or a newer epoch replaced it.</summary>
    Expired,
}

/// <summary>A command for one managed service on one node, stored before it is delivered.</summary>
public sealed class StoredCommand
{
    public Guid Id { get; set; }

    public Guid NodeId { get; set; }

    public required string Service { get; set; }

    public required string Kind { get; set; }

    public CommandState State { get; set; }

    /// <summary>Who asked: <c>api</c> (an operator), <c>failover</c> (the failover engine, switchovers included), <c>drill</c>.</summary>
    public required string Origin { get; set; }

    /// <summary>The caller's Idempotency-Key: the same key always names this command.</summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>What the idempotent request asked for, to refuse the key's reuse for anything else.</summary>
    public string? RequestFingerprint { get; set; }

    /// <summary>For role commands: the failover group and the epoch the command carries.</summary>
    public Guid? GroupId { get; set; }

    public long? Epoch { get; set; }

    /// <summary>For role commands: the grant as JSON.</summary>
    public string? Role { get; set; }

    public int TimeoutMs { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>A command still Pending at this time expires.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>A command still Sent at this time has timed out.</summary>
    public DateTimeOffset? AnswerDueAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The agent's answer, or why the command ended without one.</summary>
    public string? Message { get; set; }
}

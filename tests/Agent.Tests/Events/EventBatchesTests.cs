using Vigil.Agent.Events;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Tests.Events;

public sealed class EventBatchesTests
{
    [Fact]
    public void Short_events_go_a_hundred_at_a_time()
    {
        var pending = Events(100, "started, pid 42");

        Assert.Equal(100, EventBatches.Take(pending).Count);
    }

    [Fact]
    public void Long_events_are_cut_to_the_byte_budget_oldest_first()
    {
        var pending = Events(100, new string('é', MessageLimits.EventMessageMaxLength));

        var batch = EventBatches.Take(pending);

        Assert.InRange(batch.Count, 1, 99);
        Assert.Equal(pending.Take(batch.Count).Select(e => e.Sequence), batch.Select(e => e.Sequence));
        Assert.True(batch.Sum(e => System.Text.Encoding.UTF8.GetByteCount(e.Message)) <= MessageLimits.EventBatchBytesMax);
    }

    [Fact]
    public void Nothing_pending_makes_an_empty_batch()
    {
        Assert.Empty(EventBatches.Take([]));
    }

    private static List<AgentEvent> Events(int count, string message) =>
        [.. Enumerable.Range(1, count).Select(i => new AgentEvent { Sequence = i, OccurredAt = DateTimeOffset.UnixEpoch, Kind = AgentEventKind.ServiceStarted, Service = "web", Message = message })];
}

using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Events;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Tests.Events;

public sealed class EventOutboxTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Every_recorded_event_is_one_the_control_plane_accepts_whatever_text_it_was_given()
    {
        using var outbox = Open();

        outbox.Record(AgentEventKind.ConfigRejected, new string('n', 200), "rejected: name too long");
        outbox.Record(AgentEventKind.ProbeFailed, "web", "probe failed:\r\nconnection refused\u0000");
        outbox.Record(AgentEventKind.ServiceExited, "web", "  \n ");
        outbox.Record(AgentEventKind.ServiceExited, "web\tbad", new string('m', 5000));

        var events = outbox.Peek(10);
        Assert.Empty(MessageValidator.Validate(new AgentEventBatch { Events = [.. events] }));
        Assert.Equal(new string('n', MessageLimits.ServiceNameMaxLength), events[0].Service);
        Assert.Equal("probe failed:  connection refused", events[1].Message);
        Assert.Equal("-", events[2].Message);
        Assert.Equal("web bad", events[3].Service);
        Assert.Equal(MessageLimits.EventMessageMaxLength, events[3].Message.Length);
    }

    [Fact]
    public void Events_get_consecutive_sequence_numbers_from_1()
    {
        using var outbox = Open();

        var sequences = Enumerable.Range(0, 5).Select(i => outbox.Record(AgentEventKind.ServiceStarted, "web", $"event {i}")).ToList();

        Assert.Equal([1L, 2, 3, 4, 5], sequences);
        Assert.Equal(sequences, outbox.Peek(100).Select(e => e.Sequence));
        Assert.Equal(_clock.GetUtcNow(), outbox.Peek(1)[0].OccurredAt);
    }

    [Fact]
    public void Pending_events_survive_a_restart_and_acknowledged_ones_do_not_come_back()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 5; i++)
            {
                outbox.Record(AgentEventKind.ServiceExited, "web", $"event {i}", exitCode: i);
            }

            outbox.Acknowledge(3);
        }

        using var reopened = Open();

        Assert.Equal([4L, 5], reopened.Peek(100).Select(e => e.Sequence));
        Assert.Equal(3, reopened.Peek(1)[0].ExitCode);
        Assert.Equal(6, reopened.Record(AgentEventKind.ServiceStarted, "web", "next"));
    }

    [Fact]
    public void A_line_torn_by_a_crash_is_skipped_and_the_rest_is_kept()
    {
        using (var outbox = Open())
        {
            outbox.Record(AgentEventKind.ServiceStarted, "web", "one");
            outbox.Record(AgentEventKind.ServiceStarted, "web", "two");
        }

        File.AppendAllText(Path.Combine(_folder.Path, "events.jsonl"), "{\"sequence\":3,\"kind\":\"Serv");
        using var reopened = Open();

        Assert.Equal([1L, 2], reopened.Peek(100).Select(e => e.Sequence));
        Assert.Equal(3, reopened.Record(AgentEventKind.ServiceStarted, "web", "three"));
        reopened.Dispose();
        using var again = Open();
        Assert.Equal([1L, 2, 3], again.Peek(100).Select(e => e.Sequence));
    }

    [Fact]
    public void Acknowledging_again_or_backwards_changes_nothing()
    {
        using var outbox = Open();
        for (var i = 0; i < 3; i++)
        {
            outbox.Record(AgentEventKind.ServiceStarted, null, "x");
        }

        outbox.Acknowledge(2);
        outbox.Acknowledge(2);
        outbox.Acknowledge(1);

        Assert.Equal([3L], outbox.Peek(100).Select(e => e.Sequence));
    }

    [Fact]
    public void Beyond_capacity_the_oldest_are_dropped_and_the_drop_is_reported_once_delivery_resumes()
    {
        using var outbox = Open();
        for (var i = 0; i < EventOutbox.Capacity + 3; i++)
        {
            outbox.Record(AgentEventKind.ProbeFailed, "web", "x");
        }

        Assert.Equal(EventOutbox.Capacity, outbox.PendingCount);
        Assert.Equal(4, outbox.Peek(1)[0].Sequence);

        outbox.Acknowledge(EventOutbox.Capacity + 3);

        var dropped = Assert.Single(outbox.Peek(10));
        Assert.Equal(AgentEventKind.EventsDropped, dropped.Kind);
        Assert.StartsWith("3 older events were dropped", dropped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_beyond_capacity_is_trimmed_to_it_at_load_and_the_drop_is_reported_once_delivery_resumes()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var lines = Enumerable.Range(1, EventOutbox.Capacity + 5).Select(sequence => JsonSerializer.Serialize(
            new AgentEvent { Sequence = sequence, OccurredAt = _clock.GetUtcNow(), Kind = AgentEventKind.ProbeFailed, Service = "web", Message = "x" }, json));
        File.WriteAllLines(Path.Combine(_folder.Path, "events.jsonl"), lines);

        using (var outbox = Open())
        {
            Assert.Equal(EventOutbox.Capacity, outbox.PendingCount);
            Assert.Equal(6, outbox.Peek(1)[0].Sequence);
            Assert.Equal(EventOutbox.Capacity, File.ReadLines(Path.Combine(_folder.Path, "events.jsonl")).Count());

            outbox.Acknowledge(EventOutbox.Capacity + 5);

            var dropped = Assert.Single(outbox.Peek(10));
            Assert.Equal(AgentEventKind.EventsDropped, dropped.Kind);
            Assert.StartsWith("5 older events were dropped", dropped.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_fresh_outbox_renumbers_above_what_the_control_plane_already_holds()
    {
        using var outbox = Open();
        outbox.Record(AgentEventKind.AgentStarted, null, "started");
        outbox.Record(AgentEventKind.ServiceStarted, "web", "started");

        outbox.ContinueAbove(40);

        Assert.Equal([41L, 42], outbox.Peek(10).Select(e => e.Sequence));
        Assert.Equal(43, outbox.Record(AgentEventKind.ServiceStarted, "web", "again"));
        outbox.Dispose();
        using var reopened = Open();
        Assert.Equal([41L, 42, 43], reopened.Peek(10).Select(e => e.Sequence));
    }

    [Fact]
    public void An_outbox_that_delivered_before_keeps_its_numbers()
    {
        using (var outbox = Open())
        {
            outbox.Record(AgentEventKind.AgentStarted, null, "a");
            outbox.Acknowledge(1);
            outbox.Record(AgentEventKind.AgentStarted, null, "b");
        }

        using var reopened = Open();
        reopened.ContinueAbove(1);

        Assert.Equal([2L], reopened.Peek(10).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Waiting_for_events_completes_when_one_is_recorded()
    {
        using var outbox = Open();
        var waiting = outbox.WaitForPendingAsync(TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);

        outbox.Record(AgentEventKind.AgentStarted, null, "started");

        await waiting.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Compaction_after_many_acknowledgements_keeps_exactly_the_pending_events()
    {
        using (var outbox = Open())
        {
            for (var i = 0; i < 2500; i++)
            {
                outbox.Record(AgentEventKind.ServiceStarted, "web", "x");
                if (i % 100 == 99)
                {
                    outbox.Acknowledge(i - 5);
                }
            }
        }

        using var reopened = Open();

        Assert.Equal(Enumerable.Range(2495, 6).Select(i => (long)i), reopened.Peek(1000).Select(e => e.Sequence));
        Assert.True(new FileInfo(Path.Combine(_folder.Path, "events.jsonl")).Length < 200_000);
    }

    private EventOutbox Open() => new(_folder.Path, _clock, NullLogger<EventOutbox>.Instance);
}

using System.Globalization;
using System.Text.Json;
using Vigil.Agent.Storage;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Events;

/// <summary>
/// Events waiting for the control plane, kept in a local file so that neither a lost connection nor
/// an agent crash loses them. Each event gets the next sequence number; the control plane's
/// acknowledgement removes everything up to a number. Bounded: beyond <see cref="Capacity"/> pending
/// events the oldest are dropped, and an <see cref="AgentEventKind.EventsDropped"/> event says how many.
/// </summary>
public sealed partial class EventOutbox : IDisposable
{
    public const int Capacity = 10_000;
    private const int CompactAfterAcknowledged = 1_000;

    private readonly string _eventsPath;
    private readonly string _acknowledgedPath;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<AgentEvent> _pending = [];
    private FileStream _file;
    private long _nextSequence;
    private long _acknowledged;
    private int _acknowledgedInFile;
    private long _dropped;
    private TaskCompletionSource _signal = NewSignal();

    public EventOutbox(string directory, TimeProvider time, ILogger<EventOutbox> logger)
    {
        Directory.CreateDirectory(directory);
        _eventsPath = Path.Combine(directory, "events.jsonl");
        _acknowledgedPath = Path.Combine(directory, "events.acknowledged");
        _time = time;
        _logger = logger;
        IsFresh = !File.Exists(_acknowledgedPath) && !File.Exists(_eventsPath);
        var torn = Load();
        var beyondCapacity = DropBeyondCapacity();
        if (torn || beyondCapacity)
        {
            // A line torn by a crash would swallow the next event appended after it, and a file over
            // the capacity (written by an older agent) would be read whole at every start: rewrite it.
            WritePendingFile();
        }

        _file = OpenForAppend();
    }

    /// <summary>True when this outbox started empty on this machine (a new node, or its data folder was wiped).</summary>
    public bool IsFresh { get; private set; }

    public int PendingCount
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Stores a new event durably (flushed to disk) before returning its sequence number.</summary>
    public long Record(AgentEventKind kind, string? service, string message, int? exitCode = null)
    {
        lock (_gate)
        {
            var entry = new AgentEvent
            {
                Sequence = _nextSequence++,
                OccurredAt = _time.GetUtcNow(),
                Kind = kind,
                Service = service is null ? null : PrintableText.Of(service, MessageLimits.ServiceNameMaxLength),
                Message = PrintableText.Of(message, MessageLimits.EventMessageMaxLength),
                ExitCode = exitCode,
            };
            if (_pending.Count >= Capacity)
            {
                _pending.RemoveAt(0);
                _dropped++;
            }

            _pending.Add(entry);
            var line = JsonSerializer.SerializeToUtf8Bytes(entry, AgentLineJson.Default.AgentEvent);
            _file.Write(line);
            _file.WriteByte((byte)'\n');
            _file.Flush(flushToDisk: true);
            _signal.TrySetResult();
            return entry.Sequence;
        }
    }

    /// <summary>The oldest pending events, in order, at most <paramref name="max"/>.</summary>
    public IReadOnlyList<AgentEvent> Peek(int max)
    {
        lock (_gate)
        {
            return _pending.Take(max).ToList();
        }
    }

    /// <summary>Completes when an event is pending.</summary>
    public Task WaitForPendingAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _pending.Count > 0 ? Task.CompletedTask : _signal.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The control plane stored everything up to <paramref name="upTo"/>.</summary>
    public void Acknowledge(long upTo)
    {
        long dropped;
        lock (_gate)
        {
            if (upTo <= _acknowledged)
            {
                return;
            }

            var removed = _pending.RemoveAll(e => e.Sequence <= upTo);
            _acknowledged = upTo;
            _acknowledgedInFile += removed;
            IsFresh = false;
            DurableFile.Write(_acknowledgedPath, upTo.ToString(CultureInfo.InvariantCulture));
            if (_acknowledgedInFile >= CompactAfterAcknowledged)
            {
                Compact();
            }

            if (_pending.Count == 0)
            {
                _signal = NewSignal();
            }

            dropped = _dropped;
            _dropped = 0;
        }

        if (dropped > 0)
        {
            Record(AgentEventKind.EventsDropped, null, $"{dropped} older events were dropped while the control plane was unreachable: the outbox keeps at most {Capacity}");
        }
    }

    /// <summary>
    /// Makes sure new events number above what the control plane already stored for this node.
    /// A fresh outbox (new data folder) renumbers its pending events, which the control plane has never seen.
    /// </summary>
    public void ContinueAbove(long lastStored)
    {
        lock (_gate)
        {
            if (IsFresh && lastStored > 0 && (_pending.FirstOrDefault()?.Sequence ?? _nextSequence) <= lastStored)
            {
                var next = lastStored + 1;
                for (var i = 0; i < _pending.Count; i++)
                {
                    _pending[i] = _pending[i] with { Sequence = next++ };
                }

                _nextSequence = next;
                _acknowledged = lastStored;
                DurableFile.Write(_acknowledgedPath, lastStored.ToString(CultureInfo.InvariantCulture));
                Compact();
                LogRenumbered(lastStored);
            }
            else if (_nextSequence <= lastStored)
            {
                _nextSequence = lastStored + 1;
            }

            IsFresh = false;
        }
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Reads the file; true when it held a line that could not be read.</summary>
    private bool Load()
    {
        var torn = false;
        _acknowledged = File.Exists(_acknowledgedPath) && long.TryParse(File.ReadAllText(_acknowledgedPath).Trim(), CultureInfo.InvariantCulture, out var acked) ? acked : 0;
        var highest = _acknowledged;
        if (File.Exists(_eventsPath))
        {
            foreach (var line in File.ReadLines(_eventsPath))
            {
                AgentEvent? entry = null;
                try
                {
                    entry = line.Length == 0 ? null : JsonSerializer.Deserialize(line, AgentLineJson.Default.AgentEvent);
                }
                catch (JsonException)
                {
                    LogTornLine(_eventsPath);
                    torn = true;
                }

                if (entry is null)
                {
                    continue;
                }

                highest = Math.Max(highest, entry.Sequence);
                if (entry.Sequence > _acknowledged)
                {
                    _pending.Add(entry);
                }
                else
                {
                    _acknowledgedInFile++;
                }
            }
        }

        _nextSequence = highest + 1;
        if (_pending.Count > 0)
        {
            _signal.TrySetResult();
        }

        return torn;
    }

    /// <summary>
    /// Applies the capacity to what was read, as <see cref="Record"/> does: the oldest go and are
    /// counted as dropped. True when some went.
    /// </summary>
    private bool DropBeyondCapacity()
    {
        var excess = _pending.Count - Capacity;
        if (excess <= 0)
        {
            return false;
        }

        _pending.RemoveRange(0, excess);
        _dropped += excess;
        LogDroppedAtLoad(_eventsPath, excess, Capacity);
        return true;
    }

    /// <summary>Rewrites the file with the pending events only.</summary>
    private void Compact()
    {
        _file.Dispose();
        WritePendingFile();
        _file = OpenForAppend();
    }

    private void WritePendingFile()
    {
        DurableFile.Write(_eventsPath, string.Concat(_pending.Select(e => JsonSerializer.Serialize(e, AgentLineJson.Default.AgentEvent) + "\n")));
        _acknowledgedInFile = 0;
    }

    private FileStream OpenForAppend() => new(_eventsPath, FileMode.Append, FileAccess.Write, FileShare.Read);

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped an unreadable line in {Path} (the agent stopped while writing it)")]
    private partial void LogTornLine(string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Path} held {Excess} events more than the outbox keeps ({Capacity}); the oldest were dropped and the control plane will be told how many")]
    private partial void LogDroppedAtLoad(string path, int excess, int capacity);

    [LoggerMessage(Level = LogLevel.Information, Message = "The control plane already holds events up to {LastStored} for this node; new events continue above it")]
    private partial void LogRenumbered(long lastStored);
}

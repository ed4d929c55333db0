using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Benchmarks.Failover;

/// <summary>
/// Connects to every node's service port (127.0.0.1) every 10 ms, all at once, for the whole run.
/// Each round is a <see cref="PortSample"/>: trials wait for the first sample in which something
/// holds (the service stopped answering here, answers there), and every sample in which more than
/// one port answered is kept: two members running the service at the same moment.
/// </summary>
public sealed class PortWatch : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    /// <summary>A loopback connect is answered or refused at once; this only guards against a hang.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(200);

    private readonly IReadOnlyList<BenchmarkNode> _nodes;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<PortSample, bool> Condition, TaskCompletionSource<PortSample> Completion)> _waiters = [];
    private readonly List<PortSample> _overlaps = [];
    private readonly Task _watching;
    private PortSample? _latest;
    private long _samples;
    private TimeSpan _longestGap;
    private Exception? _failure;

    public PortWatch(IReadOnlyList<BenchmarkNode> nodes, TimeProvider time)
    {
        _nodes = nodes;
        _time = time;
        _watching = WatchAsync(_stop.Token);
    }

    /// <summary>The latest sample; null before the first.</summary>
    public PortSample? Latest
    {
        get
        {
            lock (_gate)
            {
                return _latest;
            }
        }
    }

    /// <summary>Samples so far in which more than one port answered.</summary>
    public IReadOnlyList<PortSample> Overlaps
    {
        get
        {
            lock (_gate)
            {
                return [.. _overlaps];
            }
        }
    }

    public long Samples => Interlocked.Read(ref _samples);

    /// <summary>
    /// The longest time between two samples since the last call, and starts measuring afresh: the
    /// resolution a measurement really had (a busy machine delays the 10 ms timer).
    /// </summary>
    public TimeSpan TakeLongestGap()
    {
        lock (_gate)
        {
            var gap = _longestGap;
            _longestGap = TimeSpan.Zero;
            return gap;
        }
    }

    /// <summary>
    /// The first sample taken from now on in which <paramref name="condition"/> holds. The wait
    /// begins when this is called, before its first await: call it before causing what it waits for.
    /// </summary>
    public async Task<PortSample> NextAsync(Func<PortSample, bool> condition, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = (condition, new TaskCompletionSource<PortSample>(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_gate)
        {
            if (_failure is not null)
            {
                throw new InvalidOperationException("The port watch has stopped.", _failure);
            }

            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Item2.Task.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what} (last sample: {Latest}).");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watching.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timer = new PeriodicTimer(Interval, _time);
            do
            {
                var at = _time.GetUtcNow();
                var answers = await Task.WhenAll(_nodes.Select(node => AnswersAsync(node.Port, cancellationToken)));
                Record(new PortSample(at, [.. _nodes.Where((_, i) => answers[i])]));
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Fail(exception);
            throw;
        }
    }

    private void Record(PortSample sample)
    {
        List<TaskCompletionSource<PortSample>> met;
        lock (_gate)
        {
            if (_latest is { } previous && sample.At - previous.At > _longestGap)
            {
                _longestGap = sample.At - previous.At;
            }

            _latest = sample;
            _samples++;
            if (sample.Answering.Count > 1)
            {
                _overlaps.Add(sample);
            }

            met = [.. _waiters.Where(w => w.Condition(sample)).Select(w => w.Completion)];
        }

        foreach (var completion in met)
        {
            completion.TrySetResult(sample);
        }
    }

    private void Fail(Exception exception)
    {
        List<TaskCompletionSource<PortSample>> waiting;
        lock (_gate)
        {
            _failure = exception;
            waiting = [.. _waiters.Select(w => w.Completion)];
        }

        foreach (var completion in waiting)
        {
            completion.TrySetException(new InvalidOperationException("The port watch has stopped.", exception));
        }
    }

    /// <summary>A TCP connect to the port: accepted means the service answers. Closed with a reset, so no TIME_WAIT piles up at 100 connects a second.</summary>
    private async Task<bool> AnswersAsync(int port, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { LingerState = new LingerOption(true, 0) };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken).AsTask().WaitAsync(ConnectTimeout, _time, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}

/// <summary>One round of connects: when it began and whose port accepted.</summary>
public sealed record PortSample(DateTimeOffset At, IReadOnlyList<BenchmarkNode> Answering)
{
    public bool Answers(BenchmarkNode node) => Answering.Contains(node);

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"{At:HH:mm:ss.fff} answering: {(Answering.Count == 0 ? "none" : string.Join(", ", Answering))}");
}

using System.Threading.Channels;

namespace Vigil.ControlPlane.Alerts.Delivery;

/// <summary>Rings the delivery worker when new deliveries were stored, so it need not wait for its next due time.</summary>
public sealed class PendingDeliveries(TimeProvider time)
{
    private readonly Channel<bool> _bell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Wake() => _bell.Writer.TryWrite(true);

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="longest"/> passed.</summary>
    public async Task WaitAsync(TimeSpan longest, CancellationToken cancellationToken)
    {
        if (longest <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(longest, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await _bell.Reader.WaitToReadAsync(either.Token);
            _bell.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

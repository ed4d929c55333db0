namespace Vigil.Agent.Connection;

/// <summary>
/// Which control-plane address the agent tries next. A session that held and ended is tried again at
/// the same address first (<see cref="SessionEnded"/>). After a failure it moves on to the next address
/// at once, so an agent whose instance died is on another one well before its leases lapse; only
/// when every address has failed since the last registration does it wait a backoff delay before
/// going round again. Pure: the caller reports outcomes and waits.
/// </summary>
public sealed class ControlPlaneRotation
{
    private readonly IReadOnlyList<Uri> _addresses;
    private int _current;
    private int _failedSinceConnected;

    public ControlPlaneRotation(IReadOnlyList<Uri> addresses)
    {
        ArgumentOutOfRangeException.ThrowIfZero(addresses.Count);
        _addresses = addresses;
    }

    /// <summary>The address of the next attempt.</summary>
    public Uri Current => _addresses[_current];

    public int Count => _addresses.Count;

    /// <summary>
    /// Records a failed or ended connection to <see cref="Current"/> and moves to the next address.
    /// True when the next attempt may start at once (an address not yet tried since the last
    /// registration); false when all have failed, so the caller waits its backoff first.
    /// </summary>
    public bool MoveOnAfterFailure()
    {
        _current = (_current + 1) % _addresses.Count;
        _failedSinceConnected++;
        if (_failedSinceConnected < _addresses.Count)
        {
            return true;
        }

        _failedSinceConnected = 0;
        return false;
    }

    /// <summary>Registered with <see cref="Current"/>: a later failure starts a new round from the next address.</summary>
    public void Connected() => _failedSinceConnected = 0;

    /// <summary>
    /// A session that had held ended: <see cref="Current"/> is tried again at once before moving on.
    /// A control plane stopping on purpose still listens while it hands its agents long leases; one
    /// that died refuses at once, and the failure of that attempt moves on to the next address.
    /// </summary>
    public void SessionEnded() => _failedSinceConnected = 0;
}

namespace Vigil.ControlPlane.Tests.Failover.Simulation;

/// <summary>What a simulation has scheduled (messages on their way, timers): delivered in time order, ties in the order they were scheduled.</summary>
internal sealed class Timeline
{
    private readonly List<(TimeSpan At, long Order, Action Deliver)> _due = [];
    private long _order;

    public void At(TimeSpan at, Action deliver) => _due.Add((at, _order++, deliver));

    /// <summary>Delivers everything due by <paramref name="now"/>.</summary>
    public void DeliverUpTo(TimeSpan now)
    {
        foreach (var (_, _, deliver) in _due.Where(m => m.At <= now).OrderBy(m => m.At).ThenBy(m => m.Order).ToList())
        {
            deliver();
        }

        _due.RemoveAll(m => m.At <= now);
    }
}

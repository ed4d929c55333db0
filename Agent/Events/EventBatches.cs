using System.Text;
using Vigil.Shared.Messages;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Events;

/// <summary>How many of the pending events go in one call.</summary>
public static class EventBatches
{
    /// <summary>
    /// The oldest events, as many as fit in <see cref="MessageLimits.EventBatchBytesMax"/> of text
    /// (at least one): a batch of long messages stays well under the control plane's message limit
    /// in any protocol and encoding.
    /// </summary>
    public static IReadOnlyList<AgentEvent> Take(IReadOnlyList<AgentEvent> pending)
    {
        var bytes = 0;
        for (var count = 0; count < pending.Count; count++)
        {
            var e = pending[count];
            bytes += Encoding.UTF8.GetByteCount(e.Message) + (e.Service?.Length ?? 0) + 96;
            if (bytes > MessageLimits.EventBatchBytesMax && count > 0)
            {
                return [.. pending.Take(count)];
            }
        }

        return pending;
    }
}

using System.Collections.Concurrent;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>One background thread, alive as long as the agent, on which work is run synchronously.</summary>
internal sealed class LauncherThread
{
    private readonly BlockingCollection<Action> _work = [];

    public LauncherThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var work in _work.GetConsumingEnumerable())
            {
                work();
            }
        })
        {
            IsBackground = true,
            Name = "vigil-process-launcher",
        };
        thread.Start();
    }

    public T Run<T>(Func<T> work)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                result.SetResult(work());
            }
            catch (Exception exception)
            {
                result.SetException(exception);
            }
        });
        return result.Task.GetAwaiter().GetResult();
    }
}

using System.Collections.Immutable;
using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace Vigil.ControlPlane.Jobs;

/// <summary>
/// Brings Hangfire's own log messages (its server, workers, storage) into the product log. Hangfire
/// logs through one process-wide provider; this one hands each message to the logging of every
/// control plane running in the process — in production the one — under Hangfire's own categories
/// (<c>Hangfire.Server.Worker</c>…), so the <c>Serilog</c> section sets their levels like any other.
/// </summary>
internal sealed class HangfireLogs : IHostedService
{
    private static ImmutableList<ILogProvider> _running = [];

    private readonly AspNetCoreLogProvider _own;

    public HangfireLogs(ILoggerFactory loggers)
    {
        _own = new AspNetCoreLogProvider(loggers);
        LogProvider.SetCurrentLogProvider(new Forwarder());
    }

    /// <summary>Before Hangfire's server starts (registered ahead of it), this control plane's logging takes Hangfire's messages.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        ImmutableInterlocked.Update(ref _running, running => running.Add(_own));
        return Task.CompletedTask;
    }

    /// <summary>After Hangfire's server stopped (hosted services stop in reverse order), it no longer does.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        ImmutableInterlocked.Update(ref _running, running => running.Remove(_own));
        return Task.CompletedTask;
    }

    /// <summary>Hangfire's process-wide provider: its loggers look up the running control planes at each message.</summary>
    private sealed class Forwarder : ILogProvider
    {
        public ILog GetLogger(string name) => new Logger(name);
    }

    private sealed class Logger(string name) : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var logged = false;
            foreach (var provider in _running)
            {
                logged |= provider.GetLogger(name).Log(logLevel, messageFunc, exception);
            }

            return logged;
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vigil.ControlPlane.Tests.Support;

/// <summary>Keeps every log message the host writes, so tests can check what was logged (and what was not).</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();

    public IReadOnlyList<CapturedLog> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    /// <summary>Whether one message at <paramref name="atLeast"/> or above contains every fragment
    /// (structured values may be rendered with quotes, so match around them).</summary>
    public bool Contains(LogLevel atLeast, params string[] fragments) =>
        _entries.Any(e => e.Level >= atLeast && fragments.All(f => e.Message.Contains(f, StringComparison.OrdinalIgnoreCase)));

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), exception));
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception);

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Events;
using Vigil.Agent.Hosting;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Tests.Events;

public sealed class AgentEventLogEntriesTests
{
    /// <summary>The IDs are what Event Log subscriptions name: this table is the one the operator guide publishes.</summary>
    [Theory]
    [InlineData(AgentEventKind.AgentStarted, 1000, LogLevel.Information)]
    [InlineData(AgentEventKind.AgentStopping, 1001, LogLevel.Information)]
    [InlineData(AgentEventKind.ServiceStarted, 1100, LogLevel.Information)]
    [InlineData(AgentEventKind.ServiceExited, 1101, LogLevel.Warning)]
    [InlineData(AgentEventKind.ServiceRestarting, 1102, LogLevel.Warning)]
    [InlineData(AgentEventKind.ServiceGaveUp, 1103, LogLevel.Error)]
    [InlineData(AgentEventKind.ServiceStopped, 1104, LogLevel.Information)]
    [InlineData(AgentEventKind.ProbeFailed, 1200, LogLevel.Warning)]
    [InlineData(AgentEventKind.ProbeRecovered, 1201, LogLevel.Information)]
    [InlineData(AgentEventKind.ConfigApplied, 1300, LogLevel.Information)]
    [InlineData(AgentEventKind.ConfigRejected, 1301, LogLevel.Warning)]
    [InlineData(AgentEventKind.EventsDropped, 1400, LogLevel.Warning)]
    [InlineData(AgentEventKind.RoleActivated, 1500, LogLevel.Information)]
    [InlineData(AgentEventKind.RoleDeactivated, 1501, LogLevel.Information)]
    [InlineData(AgentEventKind.Fenced, 1502, LogLevel.Error)]
    [InlineData(AgentEventKind.CommandExecuted, 1600, LogLevel.Information)]
    public void Each_kind_is_logged_with_its_published_event_ID_and_level(AgentEventKind kind, int id, LogLevel level)
    {
        var logger = new RecordingLogger();

        AgentEventLogEntries.Write(logger, kind, "web", "it happened");

        var entry = Assert.Single(logger.Entries);
        Assert.Equal((level, id, kind.ToString(), $"{kind} web: it happened"), entry);
    }

    [Fact]
    public void Every_kind_has_an_ID_of_its_own()
    {
        var ids = Enum.GetValues<AgentEventKind>().Select(AgentEventLogEntries.IdOf).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    /// <summary>The agent logs through Serilog, which hands entries on to the providers (the Event Log's among them): the ID must survive that.</summary>
    [Fact]
    public void The_ID_and_level_reach_the_logging_providers_through_the_agents_logging()
    {
        using var folder = new TemporaryFolder();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Agent:DataDirectory"] = folder.Path });
        builder.AddAgentLogging();
        var provider = new RecordingProvider();
        builder.Services.AddSingleton<ILoggerProvider>(provider);
        using (var host = builder.Build())
        {
            AgentEventLogEntries.Write(host.Services.GetRequiredService<ILogger<AgentEvents>>(), AgentEventKind.Fenced, "web", "lease lapsed");
        }

        var entry = Assert.Single(provider.Logger.Entries, e => e.Id == 1502);
        Assert.Equal((LogLevel.Error, "Fenced"), (entry.Level, entry.Name));
    }

    [Theory]
    [InlineData("Vigil.Agent.Events.AgentEvents", LogLevel.Information, true)]
    [InlineData("Vigil.Agent.Events.AgentEvents", LogLevel.Debug, false)]
    [InlineData("Vigil.Agent.Connection.ControlPlaneConnection", LogLevel.Information, false)]
    [InlineData("Vigil.Agent.Connection.ControlPlaneConnection", LogLevel.Warning, true)]
    public void The_Event_Log_gets_the_agents_events_and_other_entries_from_warnings_up(string category, LogLevel level, bool written) =>
        Assert.Equal(written, AgentEventLogEntries.GoesToTheEventLog(category, level));

    private sealed class RecordingProvider : ILoggerProvider
    {
        public RecordingLogger Logger { get; } = new();

        public ILogger CreateLogger(string categoryName) => Logger;

        public void Dispose()
        {
        }
    }

    private sealed class RecordingLogger : ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, int Id, string? Name, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Enqueue((logLevel, eventId.Id, eventId.Name, formatter(state, exception)));
    }
}

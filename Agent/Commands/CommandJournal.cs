using System.Text.Json;
using Vigil.Agent.Storage;
using Vigil.Shared.Commands;

namespace Vigil.Agent.Commands;

/// <summary>
/// The outcomes of the latest commands, kept on disk: a command delivered again (the control plane
/// delivers at least once) is answered from here and never carried out twice, even across restarts.
/// </summary>
public sealed class CommandJournal
{
    private const int Kept = 512;
    private readonly string _path;
    private readonly Lock _gate = new();
    private readonly LinkedList<CommandOutcome> _order = new();
    private readonly Dictionary<Guid, CommandOutcome> _outcomes = [];

    public CommandJournal(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, "commands.json");
        foreach (var outcome in Load().OfType<CommandOutcome>())
        {
            Remember(outcome);
        }
    }

    public CommandOutcome? Find(Guid commandId)
    {
        lock (_gate)
        {
            return _outcomes.GetValueOrDefault(commandId);
        }
    }

    public void Record(CommandOutcome outcome)
    {
        lock (_gate)
        {
            Remember(outcome);
            DurableFile.Write(_path, JsonSerializer.Serialize(_order, AgentLineJson.Default.LinkedListCommandOutcome));
        }
    }

    private void Remember(CommandOutcome outcome)
    {
        if (!_outcomes.TryAdd(outcome.CommandId, outcome))
        {
            return;
        }

        _order.AddLast(outcome);
        while (_order.Count > Kept)
        {
            _outcomes.Remove(_order.First!.Value.CommandId);
            _order.RemoveFirst();
        }
    }

    private List<CommandOutcome> Load()
    {
        try
        {
            return File.Exists(_path) ? JsonSerializer.Deserialize(File.ReadAllText(_path), AgentLineJson.Default.ListCommandOutcome) ?? [] : [];
        }
        catch (JsonException)
        {
            // Only deduplication is lost; role commands stay safe through their epochs.
            return [];
        }
    }
}

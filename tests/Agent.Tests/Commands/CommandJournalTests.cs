using Vigil.Agent.Commands;
using Vigil.Shared.Commands;

namespace Vigil.Agent.Tests.Commands;

public sealed class CommandJournalTests : IDisposable
{
    private const int Kept = 512;
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_recorded_outcome_is_found_again()
    {
        var journal = new CommandJournal(_folder.Path);
        var outcome = Outcome("active in group orders at epoch 5; web running, pid 4242");

        journal.Record(outcome);

        Assert.Equal(outcome, journal.Find(outcome.CommandId));
    }

    [Fact]
    public void A_command_never_recorded_has_no_outcome()
    {
        var journal = new CommandJournal(_folder.Path);
        journal.Record(Outcome());

        Assert.Null(journal.Find(Guid.NewGuid()));
    }

    [Fact]
    public void Outcomes_survive_a_restart_of_the_agent()
    {
        var succeeded = Outcome("stopped; held stopped until an operator starts it");
        var failed = Outcome("cannot start web: standby in group orders (epoch 5)", succeeded: false);
        var first = new CommandJournal(_folder.Path);
        first.Record(succeeded);
        first.Record(failed);

        var second = new CommandJournal(_folder.Path);

        Assert.Equal(succeeded, second.Find(succeeded.CommandId));
        Assert.Equal(failed, second.Find(failed.CommandId));
    }

    [Fact]
    public void A_command_recorded_twice_keeps_its_first_outcome()
    {
        var journal = new CommandJournal(_folder.Path);
        var first = Outcome("killed");

        journal.Record(first);
        journal.Record(first with { Succeeded = false, Message = "did not finish within 00:01:00" });

        Assert.Equal(first, journal.Find(first.CommandId));
        Assert.Equal(first, new CommandJournal(_folder.Path).Find(first.CommandId));
    }

    [Fact]
    public void At_most_512_outcomes_are_kept_the_oldest_forgotten_first()
    {
        var journal = new CommandJournal(_folder.Path);
        var outcomes = Enumerable.Range(0, Kept + 2).Select(i => Outcome($"command {i}")).ToList();

        foreach (var outcome in outcomes)
        {
            journal.Record(outcome);
        }

        var reopened = new CommandJournal(_folder.Path);
        foreach (var kept in (CommandJournal[])[journal, reopened])
        {
            Assert.Null(kept.Find(outcomes[0].CommandId));
            Assert.Null(kept.Find(outcomes[1].CommandId));
            Assert.All(outcomes.Skip(2), o => Assert.Equal(o, kept.Find(o.CommandId)));
        }
    }

    [Fact]
    public void An_outcome_recorded_after_a_restart_pushes_out_the_oldest_of_before()
    {
        var outcomes = Enumerable.Range(0, Kept).Select(i => Outcome($"command {i}")).ToList();
        var first = new CommandJournal(_folder.Path);
        foreach (var outcome in outcomes)
        {
            first.Record(outcome);
        }

        var second = new CommandJournal(_folder.Path);
        var newest = Outcome("after the restart");
        second.Record(newest);

        Assert.Null(second.Find(outcomes[0].CommandId));
        Assert.Equal(outcomes[1], second.Find(outcomes[1].CommandId));
        Assert.Equal(newest, new CommandJournal(_folder.Path).Find(newest.CommandId));
    }

    [Fact]
    public void A_journal_whose_folder_does_not_exist_yet_creates_it_on_the_first_record()
    {
        var folder = Path.Combine(_folder.Path, "data", "agent");
        var journal = new CommandJournal(folder);
        var outcome = Outcome();

        journal.Record(outcome);

        Assert.True(File.Exists(Path.Combine(folder, "commands.json")));
        Assert.Equal(outcome, new CommandJournal(folder).Find(outcome.CommandId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json at all")]
    [InlineData("{\"commandId\":\"6f1d8a52-51a5-4b9f-9d1e-0a3c5d7e9f11\"}")]
    [InlineData("[{\"commandId\":\"6f1d8a52-51a5-4b9f-9d1e-0a3c5d7e9f11\",\"succ")]
    [InlineData("[{\"commandId\":\"not a guid\",\"succeeded\":true,\"message\":\"done\"}]")]
    [InlineData("[{\"succeeded\":true}]")]
    [InlineData("[null]")]
    [InlineData("\0\0\0\0\0\0\0\0")]
    public void A_damaged_journal_reads_as_empty_and_is_written_anew(string damaged)
    {
        File.WriteAllText(_folder.File("commands.json"), damaged);

        var journal = new CommandJournal(_folder.Path);
        var outcome = Outcome();
        journal.Record(outcome);

        Assert.Null(journal.Find(Guid.Parse("6f1d8a52-51a5-4b9f-9d1e-0a3c5d7e9f11")));
        Assert.Equal(outcome, new CommandJournal(_folder.Path).Find(outcome.CommandId));
    }

    private static CommandOutcome Outcome(string message = "started, pid 4242", bool succeeded = true) => new()
    {
        CommandId = Guid.NewGuid(),
        Succeeded = succeeded,
        Message = message,
    };
}

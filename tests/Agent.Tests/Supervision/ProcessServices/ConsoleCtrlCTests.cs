using Vigil.Agent.Supervision.ProcessServices;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

public sealed class ConsoleCtrlCTests
{
    [Fact]
    public void The_agent_swallows_the_Ctrl_C_it_sends_even_when_it_arrives_after_the_console_was_left()
    {
        var console = new FakeConsole { Attachable = true };

        Assert.True(ConsoleCtrlC.RequestStop(console, 42));

        Assert.Equal(["attach 42", "send", "detach"], console.Calls.Where(c => c != "swallow"));
        Assert.False(console.DeliverCtrlCToAgent(), "the Ctrl+C would stop the agent");
    }

    [Fact]
    public void The_agent_is_ready_to_swallow_Ctrl_C_before_it_sends_one()
    {
        var console = new FakeConsole { Attachable = true };

        ConsoleCtrlC.RequestStop(console, 42);

        Assert.True(console.Calls.IndexOf("swallow") is var swallow && swallow >= 0 && swallow < console.Calls.IndexOf("send"));
    }

    [Fact]
    public void Without_a_console_to_attach_to_nothing_is_sent_and_the_agent_keeps_its_own_Ctrl_C()
    {
        var console = new FakeConsole { Attachable = false };

        Assert.False(ConsoleCtrlC.RequestStop(console, 42));

        Assert.Equal(["attach 42"], console.Calls);
    }

    [Fact]
    public void The_console_is_left_even_when_sending_fails()
    {
        var console = new FakeConsole { Attachable = true, Sendable = false };

        Assert.False(ConsoleCtrlC.RequestStop(console, 42));

        Assert.Equal("detach", console.Calls[^1]);
    }

    /// <summary>
    /// A console as Windows has it: a Ctrl+C reaches every process attached when it was sent, the
    /// agent included, and is handled there later, on a thread of its own.
    /// </summary>
    private sealed class FakeConsole : IConsoleControl
    {
        private bool _swallowing;
        private bool _pendingForAgent;

        public bool Attachable { get; init; }

        public bool Sendable { get; init; } = true;

        public List<string> Calls { get; } = [];

        public bool Attach(int processId)
        {
            Calls.Add($"attach {processId}");
            return Attachable;
        }

        public void SwallowCtrlC()
        {
            Calls.Add("swallow");
            _swallowing = true;
        }

        public bool SendCtrlC()
        {
            Calls.Add("send");
            _pendingForAgent = Sendable;
            return Sendable;
        }

        public void Detach() => Calls.Add("detach");

        /// <summary>Handles the pending Ctrl+C in the agent now; true when it would stop the agent.</summary>
        public bool DeliverCtrlCToAgent() => _pendingForAgent && !_swallowing;
    }
}

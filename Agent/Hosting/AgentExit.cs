namespace Vigil.Agent.Hosting;

/// <summary>
/// The agent's exit code. Non-zero once a component could not continue, so that the Windows service
/// control manager's recovery actions (or systemd's Restart=on-failure) start the agent again.
/// </summary>
public sealed class AgentExit
{
    public const int Failed = 1;

    public int Code { get; private set; }

    public void Fail()
    {
        Code = Failed;
        Environment.ExitCode = Failed;
    }
}

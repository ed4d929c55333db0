namespace Vigil.ControlPlane.Observability;

/// <summary>
/// The exit code a part asks for when it stops the host on purpose but wants its service manager to
/// start it again (systemd's Restart=on-failure, Windows recovery actions): a deposed decider, say.
/// </summary>
public sealed class HostExitCode
{
    private int _code;

    public int Code => Volatile.Read(ref _code);

    public void Request(int code) => Volatile.Write(ref _code, code);
}

namespace Vigil.ControlPlane.Decider;

/// <summary>What a standby instance does while it waits for the decider lease, ended before it takes the lease over.</summary>
public interface IStandbyDuty
{
    Task BeginAsync(CancellationToken cancellationToken);

    Task EndAsync();
}

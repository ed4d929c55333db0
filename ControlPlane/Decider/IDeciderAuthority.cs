namespace Vigil.ControlPlane.Decider;

/// <summary>Whether this instance may decide now: change roles and grant the active role's leases.</summary>
public interface IDeciderAuthority
{
    bool MayDecide { get; }
}

namespace Vigil.ControlPlane.Data;

/// <summary>
/// What must hold before the control plane loads its state from the database and serves: passed
/// after the schema is up to date. The decider lease is one: a standby waits here until it takes over.
/// </summary>
public interface IServingGate
{
    Task PassAsync(CancellationToken cancellationToken);
}

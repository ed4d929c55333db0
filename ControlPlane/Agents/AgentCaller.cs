using System.Runtime.CompilerServices;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Agents;

/// <summary>
/// One agent connection as the control plane's agent logic sees it, whichever server holds the
/// socket: who is calling (the credential it authenticated with), from where, the node it registered
/// as, and how to end it. The hub makes one when a connection opens and hands it to every call.
/// </summary>
public sealed class AgentCaller(string connectionId, AgentCredential credential, string remoteAddress, Action abort, CancellationToken aborted)
{
    public string ConnectionId { get; } = connectionId;

    public AgentCredential Credential { get; } = credential;

    public string RemoteAddress { get; } = remoteAddress;

    /// <summary>Signalled when the connection ends; calls on its behalf stop waiting then.</summary>
    public CancellationToken Aborted { get; } = aborted;

    /// <summary>The node this connection registered as; null until it has.</summary>
    public Guid? NodeId { get; set; }

    /// <summary>How many of its calls wait on the database now (<see cref="AgentDatabaseCalls.PerConnection"/>).</summary>
    internal StrongBox<int> DatabaseCallsInFlight { get; } = new();

    /// <summary>Ends the connection (a revoked credential, a control plane that stops).</summary>
    public void Abort() => abort();
}

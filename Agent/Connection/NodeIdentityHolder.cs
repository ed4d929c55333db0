using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Identity;

namespace Vigil.Agent.Connection;

/// <summary>The node id, read (or created) once from the data directory.</summary>
internal sealed class NodeIdentityHolder(IOptions<AgentOptions> options)
{
    private readonly Lazy<Guid> _nodeId = new(() => NodeIdentity.LoadOrCreate(options.Value.DataDirectory!));

    public Guid NodeId => _nodeId.Value;
}

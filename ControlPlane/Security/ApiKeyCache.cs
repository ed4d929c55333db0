using System.Collections.Concurrent;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// API keys as last read, by hash, so that a busy script does not cost a query per request and
/// reads keep working while the database is away. A key revoked or deleted through this control
/// plane is forgotten at once (<see cref="Forget"/>); other changes show within <see cref="FreshFor"/>.
/// </summary>
public sealed class ApiKeyCache
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, (ApiKey? Key, DateTimeOffset ReadAt)> _byHash = new(StringComparer.Ordinal);

    internal bool TryGetFresh(byte[] hash, DateTimeOffset now, out ApiKey? key)
    {
        key = null;
        if (!_byHash.TryGetValue(Convert.ToHexString(hash), out var entry) || now - entry.ReadAt >= FreshFor)
        {
            return false;
        }

        key = entry.Key;
        return true;
    }

    internal bool TryGetAny(byte[] hash, out ApiKey? key)
    {
        var found = _byHash.TryGetValue(Convert.ToHexString(hash), out var entry);
        key = entry.Key;
        return found && key is not null;
    }

    internal void Remember(byte[] hash, ApiKey? key, DateTimeOffset now)
    {
        // Unknown keys are remembered too (briefly), so that guessing costs no queries; bounded against floods.
        if (key is null && _byHash.Count > 10_000)
        {
            return;
        }

        _byHash[Convert.ToHexString(hash)] = (key, now);
    }

    /// <summary>Drops what is known of the key with this id: the next request reads the database.</summary>
    public void Forget(Guid keyId)
    {
        foreach (var (hash, entry) in _byHash)
        {
            if (entry.Key?.Id == keyId)
            {
                _byHash.TryRemove(hash, out _);
            }
        }
    }
}

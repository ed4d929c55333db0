using StackExchange.Redis;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// Where the deciding instance serves, as it tells the others through Redis: one key that it
/// refreshes every <see cref="Refresh"/> and that lapses after <see cref="Lifetime"/> when it stops
/// refreshing it (it crashed, or lost Redis).
/// </summary>
public static class DeciderAddress
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(15);

    public static RedisKey Key(string prefix) => $"{prefix}:decider:address";

    /// <summary>
    /// <paramref name="configured"/> when set; otherwise the first of <paramref name="listening"/> that
    /// names a host others can reach (a wildcard such as <c>0.0.0.0</c> names none); null when none does.
    /// </summary>
    public static string? Choose(string configured, IEnumerable<string> listening)
    {
        if (configured.Length > 0)
        {
            return configured.TrimEnd('/');
        }

        foreach (var address in listening)
        {
            if (Uri.TryCreate(address.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                && uri.Host is not ("wildcard" or "0.0.0.0" or "[::]"))
            {
                return $"{uri.Scheme}://{uri.Authority}";
            }
        }

        return null;
    }
}

using System.Data.Common;

namespace Vigil.ControlPlane.Data;

/// <summary>What a read against an unreachable database throws: the provider's error, a pool or connection state error, or a timeout.</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception exception) => exception is DbException or InvalidOperationException or TimeoutException;
}

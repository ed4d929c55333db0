using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Vigil.ControlPlane.Data;

/// <summary>What a read against an unreachable database throws: the provider's error, a pool or connection state error, or a timeout.</summary>
public static class DatabaseOutage
{
    public static bool Is(Exception exception) => exception is DbException or InvalidOperationException or TimeoutException;

    /// <summary>The same for a write, which EF Core may also report as a failed update.</summary>
    public static bool IsOnWrite(Exception exception) => Is(exception) || exception is DbUpdateException;
}

using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Nodes;

/// <summary>
/// An operator took the node out of service: its members are kept out of elections and its alerts are
/// silenced from <see cref="Since"/> until an operator ends it, or until <see cref="Until"/> when given.
/// </summary>
public sealed record NodeMaintenance(string Reason, string By, DateTimeOffset Since, DateTimeOffset? Until)
{
    public bool InForceAt(DateTimeOffset now) => Since <= now && (Until is not { } until || now < until);

    public static NodeMaintenance? From(Node row) =>
        row.MaintenanceSince is { } since ? new(row.MaintenanceReason ?? "", row.MaintenanceBy ?? "", since, row.MaintenanceUntil) : null;
}

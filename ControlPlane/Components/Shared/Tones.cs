using MudBlazor;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Failover;

namespace Vigil.ControlPlane.Components.Shared;

/// <summary>The colour that goes with a state; always shown beside its name, never alone.</summary>
internal static class Tones
{
    public static Color Of(CommandState state) => state switch
    {
        CommandState.Succeeded => Color.Success,
        CommandState.Pending or CommandState.Sent => Color.Info,
        _ => Color.Error,
    };

    public static Color Of(DrillOutcome outcome) => outcome switch
    {
        DrillOutcome.Passed => Color.Success,
        DrillOutcome.Running => Color.Info,
        _ => Color.Error,
    };

    public static Color Of(TransitionOutcome outcome) => outcome switch
    {
        TransitionOutcome.Completed => Color.Success,
        TransitionOutcome.InProgress => Color.Info,
        _ => Color.Error,
    };

    public static bool IsOpen(CommandState state) => state is CommandState.Pending or CommandState.Sent;
}

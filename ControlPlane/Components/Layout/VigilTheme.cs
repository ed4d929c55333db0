using MudBlazor;

namespace Vigil.ControlPlane.Components.Layout;

/// <summary>
/// Colours chosen for contrast (WCAG AA, 4.5:1) where states are written in them: state names in outlined
/// chips, filled chips, secondary text and helper text, in both themes.
/// </summary>
internal static class VigilTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1f5fa8",
            AppbarBackground = "#1f5fa8",
            Success = "#1b7a38",
            Warning = "#8f5f00",
            Error = "#c62828",
            Info = "#0b5cad",
            TextSecondary = "rgba(0,0,0,0.70)",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#7fb2ef",
            PrimaryContrastText = "#0b1a2b",
            Success = "#7fd08a",
            SuccessContrastText = "#0b1f0f",
            Warning = "#ffc266",
            WarningContrastText = "#2b1a00",
            Error = "#ff8a80",
            ErrorContrastText = "#2b0a08",
            Info = "#8cc4ff",
            InfoContrastText = "#0b1a2b",
            TextSecondary = "rgba(255,255,255,0.78)",
        },
    };
}

using MudBlazor;

namespace Vigil.ControlPlane.Components.Layout;

internal static class VigilTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5fa8", AppbarBackground = "#1f5fa8" },
        PaletteDark = new PaletteDark { Primary = "#7fb2ef" },
    };
}

using MudBlazor.Services;
using Vigil.ControlPlane.Components.Shared;

namespace Vigil.ControlPlane.Components;

public static class DashboardSetup
{
    /// <summary>The Blazor Server dashboard with MudBlazor.</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        // Serves the assets of referenced packages (MudBlazor) when running from a build output in any
        // environment; a published output carries them itself and this finds nothing to add.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<OperatorActions>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets().AllowAnonymous();
        // The security headers carry the whole Content-Security-Policy, frame-ancestors included.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(server => server.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}

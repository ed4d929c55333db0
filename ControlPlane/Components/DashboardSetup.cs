using Microsoft.AspNetCore.Authorization;
using MudBlazor.Services;
using Vigil.ControlPlane.Components.Shared;
using Vigil.ControlPlane.Security;

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
        builder.AddDashboardAuthorizationForNow();
        return builder;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>
    /// Until users sign in to the dashboard, everyone who reaches it may operate, as with the REST API:
    /// the pages already show their actions only to the Operator policy and check it again on the server,
    /// so this is the one place that changes when sign-in arrives.
    /// </summary>
    private static void AddDashboardAuthorizationForNow(this WebApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(VigilPolicies.Operator, policy => policy.RequireAssertion(_ => true));
    }
}

namespace Vigil.ControlPlane.Security;

public static class AdministrationSetup
{
    /// <summary>The services that manage users and API keys; the API and the dashboard share them.</summary>
    public static IHostApplicationBuilder AddAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserAdministration>();
        builder.Services.AddSingleton<ApiKeyIssuer>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped<DashboardActions>();
        return builder;
    }
}

using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Alerts;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Cluster;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Components;
using Vigil.ControlPlane.Configurations;
using Vigil.ControlPlane.Configurations.Imports;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Decider;
using Vigil.ControlPlane.Events;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Jobs;
using Vigil.ControlPlane.Metrics;
using Vigil.ControlPlane.Monitoring;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Observability;
using Vigil.ControlPlane.Retention;
using Vigil.ControlPlane.Security;

var resetAdminPassword = AdminPasswordReset.IsRequested(args, out var userToReset, out var hostArguments);
var builder = WebApplication.CreateBuilder(ServiceHosting.Options(hostArguments));
builder.AddVigilLogging();
builder.AddVigilServiceHosting();
builder.AddDependencyWatch();
builder.AddNodes();
builder.AddVigilDatabase();
builder.AddDeciderLease();
builder.AddEvents();
builder.AddAuditTrail();
builder.AddDesiredConfigurations();
builder.AddCommands();
builder.AddFailover();
builder.AddMetricsHistory();
builder.AddBackgroundJobs();
builder.AddPrometheusMetrics();
builder.AddAlerts();
builder.AddRetention();
builder.AddAgentHub();
builder.AddCluster();
builder.AddVigilSecurity();
builder.AddAdministration();
builder.AddVigilApi();
builder.AddDashboard();

var built = builder.Build();
if (resetAdminPassword)
{
    return await AdminPasswordReset.RunAsync(built.Services, userToReset, Console.Out, Console.Error);
}

return await built.RunUntilStoppedAsync(app =>
{
    app.UseVigilForwardedHeaders();
    app.UseVigilExceptionHandler();
    app.UseStatusCodePages();
    app.UseVigilRequestLogging();
    app.UseVigilSecurityHeaders();
    app.UseAuthentication();
    app.UsePasswordChangeGate();
    app.UseApiAudit();
    app.UseCrossSiteRefusal();
    app.UseRateLimiter();
    app.UseAuthorization();
    app.UseAntiforgery();
    app.UseJobsDashboard();

    app.MapHealthEndpoints();
    app.MapPrometheusMetrics();
    app.MapAgentHub();
    app.MapAccountEndpoints();

    var api = app.MapGroup("").RequireApiRoles();
    api.MapNodesApi();
    api.MapMaintenanceApi();
    api.MapServicesApi();
    api.MapConfigurationsApi();
    api.MapServiceImportApi();
    api.MapEventsApi();
    api.MapCommandsApi();
    api.MapFailoverApi();
    api.MapMetricsApi();
    api.MapUsersApi();
    api.MapApiKeysApi();
    api.MapAuditApi();
    api.MapAgentsApi();
    api.MapEnrollmentTokensApi();
    api.MapAlertsApi();
    api.MapAlertChannelsApi();
    api.MapAlertRulesApi();
    api.MapSilencesApi();
    app.MapApiDocumentation();
    app.MapDashboard();
});

/// <summary>The control plane's entry point; public so that tests can host it.</summary>
public partial class Program;

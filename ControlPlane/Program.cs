using Vigil.ControlPlane.Agents;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Commands;
using Vigil.ControlPlane.Components;
using Vigil.ControlPlane.Configurations;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Events;
using Vigil.ControlPlane.Failover;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Observability;

var builder = WebApplication.CreateBuilder(args);
builder.AddVigilLogging();
builder.AddNodes();
builder.AddVigilDatabase();
builder.AddEvents();
builder.AddAuditTrail();
builder.AddDesiredConfigurations();
builder.AddCommands();
builder.AddFailover();
builder.AddAgentHub();
builder.AddEnrollmentRateLimit();
builder.AddVigilApi();
builder.AddDashboard();

return await builder.Build().RunUntilStoppedAsync(app =>
{
    app.UseVigilExceptionHandler();
    app.UseStatusCodePages();
    app.UseVigilRequestLogging();
    app.UseAuthentication();
    app.UseApiAudit();
    app.UseAuthorization();
    app.UseRateLimiter();
    app.UseAntiforgery();

    app.MapHealthEndpoints();
    app.MapAgentHub();
    app.MapAgentsApi();
    app.MapEnrollmentTokensApi();
    app.MapNodesApi();
    app.MapConfigurationsApi();
    app.MapEventsApi();
    app.MapCommandsApi();
    app.MapFailoverApi();
    app.MapApiDocumentation();
    app.MapDashboard();
});

/// <summary>The control plane's entry point; public so that tests can host it.</summary>
public partial class Program;

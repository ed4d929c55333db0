using Vigil.Agent.Hosting;
using Vigil.Agent.Installation;
using Vigil.Agent.Supervision.ProcessServices;

if (InstallerCommands.Run(args, Console.Out, Console.Error) is { } installerStep)
{
    return installerStep;
}

if (ProtectPasswordCommand.Run(args, Console.In, Console.Out, Console.Error) is { } protectStep)
{
    return protectStep;
}

HostApplicationBuilder builder;
try
{
    builder = AgentConfiguration.CreateBuilder(args);
}
catch (InvalidOperationException exception)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {exception.Message}");
    return 1;
}

builder.AddAgentLogging();
builder.AddAgentHosting();
builder.AddHostMetrics();
builder.AddSupervision();
builder.AddControlPlaneConnection();

using var host = builder.Build();
return await host.RunUntilStoppedAsync();

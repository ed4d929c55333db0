using Vigil.Agent.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

try
{
    builder.AddAgentConfiguration(args);
}
catch (InvalidOperationException exception)
{
    await Console.Error.WriteLineAsync($"Invalid configuration: {exception.Message}");
    return 1;
}

builder.AddAgentLogging();
builder.AddAgentHosting();
builder.AddHostMetrics();
builder.AddControlPlaneConnection();

using var host = builder.Build();
return await host.RunUntilStoppedAsync();

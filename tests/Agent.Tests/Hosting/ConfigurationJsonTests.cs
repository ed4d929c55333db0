using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Vigil.Agent.Hosting;
using Vigil.Agent.Storage;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Hosting;

public sealed class ConfigurationJsonTests
{
    /// <summary>Every record a service definition is made of, as the agent's generated metadata sees them.</summary>
    public static TheoryData<string> RecordsOfADefinition() =>
        [.. TypeInfos().Where(t => t.Kind == JsonTypeInfoKind.Object && t.Type.GetConstructor(Type.EmptyTypes) is not null).Select(t => t.Type.FullName!)];

    [Theory]
    [MemberData(nameof(RecordsOfADefinition))]
    public void A_record_read_from_configuration_keeps_its_own_defaults_for_the_keys_left_out(string typeName)
    {
        var info = TypeInfos().Single(t => t.Type.FullName == typeName);
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Record:Unknown"] = "x" }).Build().GetSection("Record");

        var read = ConfigurationJson.Read(section, info);

        Assert.Equal(JsonSerializer.Serialize(Activator.CreateInstance(info.Type), info), JsonSerializer.Serialize(read, info));
    }

    [Fact]
    public void A_hook_without_a_timeout_gets_the_default_one()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = "web",
            ["Service:Kind"] = "process",
            ["Service:Executable"] = "/opt/web/web",
            ["Service:PreStart:Executable"] = "/opt/web/migrate",
        }).Build().GetSection("Service");

        var service = ConfigurationJson.Read(section, AgentLineJson.Default.ManagedServiceDefinition)!;

        Assert.Equal(TimeSpan.FromSeconds(30), service.PreStart!.Timeout);
    }

    [Fact]
    public void A_stored_configuration_that_leaves_settings_out_gets_the_records_defaults()
    {
        const string written = """{ "version": 5, "services": [ { "name": "web", "kind": "process", "executable": "/opt/web/web", "restart": { "maxRestarts": 3 }, "preStart": { "executable": "/opt/web/migrate" } } ] }""";

        var read = ConfigurationJson.Parse(written, AgentStateJson.Default.DesiredConfiguration)!;

        var service = Assert.Single(read.Services);
        Assert.Equal(5, read.Version);
        Assert.Equal(new ManagedServiceDefinition().StopTimeout, service.StopTimeout);
        Assert.Equal(3, service.Restart!.MaxRestarts);
        Assert.Equal(new RestartSettings().InitialDelay, service.Restart.InitialDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), service.PreStart!.Timeout);
        Assert.NotEqual(TimeSpan.Zero, service.StopTimeout);
    }

    private static List<JsonTypeInfo> TypeInfos()
    {
        var found = new List<JsonTypeInfo>();
        Collect(AgentLineJson.Default.ManagedServiceDefinition, found);
        return found;
    }

    private static void Collect(JsonTypeInfo type, List<JsonTypeInfo> found)
    {
        if (found.Any(t => t.Type == type.Type))
        {
            return;
        }

        found.Add(type);
        foreach (var child in Children(type))
        {
            Collect(child, found);
        }
    }

    private static IEnumerable<JsonTypeInfo> Children(JsonTypeInfo type) => type.Kind switch
    {
        JsonTypeInfoKind.Object => type.Properties.Select(p => type.Options.GetTypeInfo(p.PropertyType)),
        JsonTypeInfoKind.Enumerable or JsonTypeInfoKind.Dictionary => [type.Options.GetTypeInfo(type.ElementType!)],
        _ => [],
    };
}

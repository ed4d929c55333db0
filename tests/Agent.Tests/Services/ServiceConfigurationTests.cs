using Microsoft.Extensions.Configuration;
using Vigil.Agent.Services;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Services;

public sealed class ServiceConfigurationTests
{
    [Fact]
    public void Valid_local_services_are_bound_with_their_keys()
    {
        var (accepted, rejected) = LocalServiceDefinitions.Read(Configuration(
            ("0:Name", "web"), ("0:Kind", "process"), ("0:Executable", "/bin/true"), ("0:Arguments:0", "--port"), ("0:Arguments:1", "80"),
            ("0:Probes:0:Kind", "tcp"), ("0:Probes:0:Host", "127.0.0.1"), ("0:Probes:0:Port", "80"), ("0:Probes:0:Interval", "00:00:05"),
            ("1:Name", "spooler"), ("1:Kind", "Windows"), ("1:ServiceName", "Spooler")));

        Assert.Empty(rejected);
        Assert.Equal(["web", "spooler"], accepted.Select(s => s.Definition.Name));
        Assert.Equal(["--port", "80"], accepted[0].Definition.Arguments);
        Assert.Equal(TimeSpan.FromSeconds(5), accepted[0].Definition.Probes[0].Interval);
        Assert.Equal("Agent:Services:1:ServiceName", accepted[1].KeyOf("ServiceName"));
    }

    [Fact]
    public void Each_bad_entry_is_rejected_with_its_key_and_the_good_ones_stay()
    {
        var (accepted, rejected) = LocalServiceDefinitions.Read(Configuration(
            ("0:Name", "good"), ("0:Kind", "process"), ("0:Executable", "/bin/true"),
            ("1:Name", "mystery"), ("1:Kind", "teleport"),
            ("2:Name", "negative"), ("2:Kind", "process"), ("2:Executable", "/bin/true"), ("2:Probes:0:Kind", "tcp"), ("2:Probes:0:Host", "x"), ("2:Probes:0:Port", "1"), ("2:Probes:0:Interval", "-00:00:01"),
            ("3:Name", "unreadable"), ("3:Kind", "process"), ("3:Executable", "/bin/true"), ("3:StopTimeout", "soon"),
            ("4:Name", "good"), ("4:Kind", "windows"), ("4:ServiceName", "X")));

        Assert.Equal(["good"], accepted.Select(s => s.Definition.Name));
        var reasons = rejected.Select(r => r.ToString()).ToList();
        Assert.Contains(reasons, r => r.StartsWith("service 'mystery': Agent:Services:1:Kind must be 'process' or 'windows'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Agent:Services:2:Probes:0:Interval must be between", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("'Agent:Services:3:StopTimeout'", StringComparison.Ordinal));
        Assert.Contains(reasons, r => r.Contains("Agent:Services:4:Name 'good' is already used by service 0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_local_file_wins_a_name_clash_with_the_desired_configuration()
    {
        var local = LocalServiceDefinitions.Read(Configuration(("0:Name", "web"), ("0:Kind", "process"), ("0:Executable", "/bin/true")));
        var desired = new DesiredConfiguration
        {
            Version = 7,
            Services =
            [
                new ManagedServiceDefinition { Name = "WEB", Kind = ServiceKinds.Process, Executable = "/bin/false" },
                new ManagedServiceDefinition { Name = "db", Kind = ServiceKinds.Windows, ServiceName = "MSSQLSERVER" },
                new ManagedServiceDefinition { Name = "broken", Kind = "?" },
            ],
        };

        var (accepted, rejected) = EffectiveServices.Merge(local, desired, new RemoteExecutionPolicy { AllowedFolders = ["/bin"] });

        Assert.Equal([("web", "/bin/true"), ("db", null)], accepted.Select(s => (s.Definition.Name, s.Definition.Executable)));
        Assert.Equal("desired configuration v7:Services:1", accepted[1].Source);
        Assert.Contains(rejected, r => r.Service == "WEB" && r.Reason.Contains("own configuration already defines", StringComparison.Ordinal));
        Assert.Contains(rejected, r => r.Service == "broken" && r.Reason.Contains("desired configuration v7:Services:2:Kind", StringComparison.Ordinal));
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] entries) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(entries.Select(e => new KeyValuePair<string, string?>($"{LocalServiceDefinitions.Section}:{e.Key}", e.Value)))
            .Build();
}

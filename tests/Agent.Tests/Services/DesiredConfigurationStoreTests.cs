using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Vigil.Agent.Services;
using Vigil.Agent.Storage;
using Vigil.Shared.Messages;

namespace Vigil.Agent.Tests.Services;

public sealed class DesiredConfigurationStoreTests : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_configuration_in_a_folder_others_may_write_to_is_not_loaded()
    {
        Plant(version: 7);

        var store = new DesiredConfigurationStore(_folder.Path, new FolderAccess("Users may write to it"), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(0, store.Current.Version);
        Assert.Empty(store.Current.Services);
    }

    [Fact]
    public void A_configuration_in_an_owner_only_folder_is_loaded()
    {
        Plant(version: 7);

        var store = new DesiredConfigurationStore(_folder.Path, new FolderAccess(null), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(7, store.Current.Version);
    }

    private void Plant(long version) => File.WriteAllText(
        _folder.File("desired-configuration.json"),
        JsonSerializer.Serialize(new DesiredConfiguration { Version = version, Services = [] }, Json));

    private sealed class FolderAccess(string? notOwnerOnlyBecause) : IDataFolderAccess
    {
        public string? MakeOwnerOnly(string path) => notOwnerOnlyBecause;
    }
}

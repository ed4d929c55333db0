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

        var store = new DesiredConfigurationStore(_folder.Path, new FolderAccess(new OwnerOnlyCheck("Users could write to it", "Users may still write to it")), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(0, store.Current.Version);
        Assert.Empty(store.Current.Services);
    }

    [Fact]
    public void A_configuration_in_an_owner_only_folder_is_loaded()
    {
        Plant(version: 7);

        var store = new DesiredConfigurationStore(_folder.Path, new FolderAccess(OwnerOnlyCheck.AlreadyOwnerOnly), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(7, store.Current.Version);
    }

    [Fact]
    public void A_configuration_found_in_a_folder_others_could_write_to_is_set_aside_when_the_folder_is_made_owner_only()
    {
        Plant(version: 7);

        var store = new DesiredConfigurationStore(_folder.Path, new FolderAccess(new OwnerOnlyCheck("Users could write to it", null)), NullLogger<DesiredConfigurationStore>.Instance);
        var again = new DesiredConfigurationStore(_folder.Path, new FolderAccess(OwnerOnlyCheck.AlreadyOwnerOnly), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(0, store.Current.Version);
        Assert.Equal(0, again.Current.Version);
        Assert.False(File.Exists(_folder.File("desired-configuration.json")));
        Assert.Single(Directory.GetFiles(_folder.Path, "desired-configuration.untrusted-*.json"));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void On_a_real_folder_writable_by_others_a_planted_configuration_is_not_loaded()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        Plant(version: 7);
        File.SetUnixFileMode(_folder.Path, (UnixFileMode)0b111_111_111);

        var store = new DesiredConfigurationStore(_folder.Path, IDataFolderAccess.ForThisMachine(), NullLogger<DesiredConfigurationStore>.Instance);

        Assert.Equal(0, store.Current.Version);
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(_folder.Path) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    private void Plant(long version) => File.WriteAllText(
        _folder.File("desired-configuration.json"),
        JsonSerializer.Serialize(new DesiredConfiguration { Version = version, Services = [] }, Json));

    private sealed class FolderAccess(OwnerOnlyCheck check) : IDataFolderAccess
    {
        public OwnerOnlyCheck MakeOwnerOnly(string path) => check;
    }
}

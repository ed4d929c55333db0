using Vigil.Agent.Storage;

namespace Vigil.Agent.Tests.Storage;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixDataFolderAccessTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_data_folder_others_may_write_to_is_made_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        var data = _folder.File("data");
        Directory.CreateDirectory(data);
        File.SetUnixFileMode(data, (UnixFileMode)0b111_111_111);

        var check = new UnixDataFolderAccess().MakeOwnerOnly(data);

        Assert.Equal("its mode was 777, writable by others", check.OpenBefore);
        Assert.Null(check.StillOpen);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
    }

    [Fact]
    public void A_missing_data_folder_is_created_owner_only()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes.");
        var data = _folder.File("new");

        Assert.Equal(OwnerOnlyCheck.AlreadyOwnerOnly, new UnixDataFolderAccess().MakeOwnerOnly(data));

        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(data) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }
}

using Vigil.Agent.Supervision.ProcessServices;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

public sealed class OutputFilesTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_full_log_is_copied_to_dot_1_and_emptied_in_place_while_an_appending_writer_goes_on()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses sh.");
        var path = _folder.File("stdout.log");
        // A writer as services have one: the shell opened the file with >> (O_APPEND), as the launcher does.
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { RedirectStandardInput = true };
        foreach (var argument in (string[])["-c", "exec >>\"$0\"; head -c 2000 /dev/zero | tr '\\0' a; read line; printf after", path])
        {
            start.ArgumentList.Add(argument);
        }

        using var writer = System.Diagnostics.Process.Start(start)!;
        await Vigil.TestSupport.Eventually.HoldsAsync(() => File.Exists(path) && new FileInfo(path).Length == 2000, "the first 2000 bytes are written");

        Assert.True(RotatingLogFiles.RotateIfFull(path, maxBytes: 1000, maxFiles: 3));
        await writer.StandardInput.WriteLineAsync("go");
        await writer.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(2000, new FileInfo(path + ".1").Length);
        Assert.Equal("after", File.ReadAllText(path));
    }

    [Fact]
    public void Older_copies_move_up_and_the_oldest_beyond_the_count_is_dropped()
    {
        var path = _folder.File("stderr.log");
        for (var round = 1; round <= 5; round++)
        {
            File.WriteAllText(path, new string((char)('0' + round), 100));
            RotatingLogFiles.RotateIfFull(path, maxBytes: 50, maxFiles: 3);
        }

        Assert.Equal(new string('5', 100), File.ReadAllText(path + ".1"));
        Assert.Equal(new string('4', 100), File.ReadAllText(path + ".2"));
        Assert.Equal(new string('3', 100), File.ReadAllText(path + ".3"));
        Assert.False(File.Exists(path + ".4"));
    }

    [Fact]
    public void A_log_under_its_limit_is_left_alone()
    {
        var path = _folder.File("stdout.log");
        File.WriteAllText(path, "short");

        Assert.False(RotatingLogFiles.RotateIfFull(path, 1000, 3));
        Assert.False(RotatingLogFiles.RotateIfFull(_folder.File("missing.log"), 1000, 3));
        Assert.Equal("short", File.ReadAllText(path));
    }

    [Theory]
    [InlineData(new[] { "plain" }, "app.exe plain")]
    [InlineData(new[] { "two words" }, "app.exe \"two words\"")]
    [InlineData(new[] { "" }, "app.exe \"\"")]
    [InlineData(new[] { "say \"hi\"" }, "app.exe \"say \\\"hi\\\"\"")]
    [InlineData(new[] { @"C:\dir\" }, @"app.exe C:\dir\")]
    [InlineData(new[] { @"C:\my dir\" }, "app.exe \"C:\\my dir\\\\\"")]
    [InlineData(new[] { @"a\\""b" }, "app.exe \"a\\\\\\\\\\\"b\"")]
    public void Windows_command_lines_quote_only_what_needs_quoting(string[] arguments, string expected)
    {
        Assert.Equal(expected, WindowsCommandLine.Join("app.exe", arguments));
    }
}

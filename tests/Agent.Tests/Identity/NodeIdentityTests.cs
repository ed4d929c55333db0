using Vigil.Agent.Identity;

namespace Vigil.Agent.Tests.Identity;

public sealed class NodeIdentityTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "vigil-tests", $"identity-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_first_start_creates_an_id_and_later_starts_reuse_it()
    {
        var first = NodeIdentity.LoadOrCreate(_directory);
        var second = NodeIdentity.LoadOrCreate(_directory);

        Assert.NotEqual(Guid.Empty, first);
        Assert.Equal(first, second);
        Assert.Equal(first.ToString("D"), File.ReadAllText(Path.Combine(_directory, NodeIdentity.FileName)));
    }

    [Fact]
    public void Creating_the_id_leaves_only_the_id_file_behind()
    {
        NodeIdentity.LoadOrCreate(_directory);

        Assert.Equal([NodeIdentity.FileName], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Fact]
    public void An_id_written_by_hand_with_whitespace_is_accepted()
    {
        Directory.CreateDirectory(_directory);
        var id = Guid.NewGuid();
        File.WriteAllText(Path.Combine(_directory, NodeIdentity.FileName), $"  {id}\n");

        Assert.Equal(id, NodeIdentity.LoadOrCreate(_directory));
    }

    [Theory]
    [InlineData("not a guid")]
    [InlineData("")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public void A_damaged_id_file_stops_with_a_message_naming_the_file_rather_than_creating_a_new_node(string content)
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, NodeIdentity.FileName);
        File.WriteAllText(path, content);

        var error = Assert.Throws<InvalidOperationException>(() => NodeIdentity.LoadOrCreate(_directory));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }
}

using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Cluster;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Tests.Cluster;

public sealed class RedisOptionsValidatorTests
{
    [Fact]
    public void No_redis_is_always_valid_even_on_sqlite() =>
        Assert.True(Validate(new RedisOptions(), DatabaseProvider.Sqlite, standby: false).Succeeded);

    [Fact]
    public void Redis_on_a_shared_database_with_every_instance_standing_by_is_valid() =>
        Assert.True(Validate(new RedisOptions { Configuration = "127.0.0.1:6379" }, DatabaseProvider.PostgreSql, standby: true).Succeeded);

    [Fact]
    public void Redis_on_sqlite_is_refused_saying_which_databases_can_be_shared()
    {
        var result = Validate(new RedisOptions { Configuration = "127.0.0.1:6379" }, DatabaseProvider.Sqlite, standby: true);

        Assert.Contains("set Database:Provider to PostgreSql or SqlServer", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Redis_without_standby_is_refused_saying_what_to_set()
    {
        var result = Validate(new RedisOptions { Configuration = "127.0.0.1:6379" }, DatabaseProvider.SqlServer, standby: false);

        Assert.Contains("Decider:Standby=true", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "00:00:04", "00:00:10", "Redis:ChannelPrefix")]
    [InlineData("a:b", "00:00:04", "00:00:10", "Redis:ChannelPrefix")]
    [InlineData("vigil", "00:00:00.050", "00:00:10", "Redis:CallTimeout")]
    [InlineData("vigil", "00:01:00", "00:00:10", "Redis:CallTimeout")]
    [InlineData("vigil", "00:00:04", "00:00:00.500", "Redis:ConnectTimeout")]
    public void Settings_out_of_range_are_refused_by_name(string prefix, string callTimeout, string connectTimeout, string named)
    {
        var options = new RedisOptions
        {
            Configuration = "127.0.0.1:6379",
            ChannelPrefix = prefix,
            CallTimeout = TimeSpan.Parse(callTimeout, System.Globalization.CultureInfo.InvariantCulture),
            ConnectTimeout = TimeSpan.Parse(connectTimeout, System.Globalization.CultureInfo.InvariantCulture),
        };

        var result = Validate(options, DatabaseProvider.PostgreSql, standby: true);

        Assert.Contains(named, result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vigil:relay:0123456789abcdef0123456789abcdef", true)]
    [InlineData("vigil:relay:not-a-guid", false)]
    [InlineData("vigil:signalr:internal", false)]
    [InlineData("other:relay:0123456789abcdef0123456789abcdef", false)]
    public void Answers_go_only_to_relay_channels(string channel, bool accepted) =>
        Assert.Equal(accepted, RelayChannels.IsReplyChannel("vigil", channel));

    private static ValidateOptionsResult Validate(RedisOptions options, DatabaseProvider provider, bool standby) =>
        new RedisOptionsValidator(Options.Create(new DatabaseOptions { Provider = provider }), Options.Create(new DeciderOptions { Standby = standby }))
            .Validate(null, options);
}

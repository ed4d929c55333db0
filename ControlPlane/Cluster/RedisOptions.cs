using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Decider;

namespace Vigil.ControlPlane.Cluster;

/// <summary>
/// The <c>Redis</c> section: the Redis that instances of one control plane share. Set, a standby
/// instance relays the agents that connect to it to the deciding instance while it stands by.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>; empty: no Redis.</summary>
    public string Configuration { get; set; } = "";

    /// <summary>What the channels of this control plane start with, so that several can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "vigil";

    /// <summary>
    /// How long a relayed agent call waits for the deciding instance's answer; a heartbeat waits at most
    /// <see cref="HeartbeatTimeout"/> of it. Longer than <c>Agents:DatabaseCallTimeout</c>, so that a
    /// call that waits on the database there gets its answer.
    /// </summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// How long a relayed heartbeat, registration or connection waits for its answer: those are answered
    /// from memory, so one that waits longer means the deciding instance or Redis is away, and the agent
    /// is sent on to another address while its lease still runs.
    /// </summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(1);

    /// <summary>How long the first connection to Redis may take at start before the start fails.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsSet => Configuration.Length > 0;

    public static bool IsSetIn(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration.GetSection(Section)[nameof(Configuration)]);
}

internal sealed class RedisOptionsValidator(IOptions<DatabaseOptions> database, IOptions<DeciderOptions> decider) : IValidateOptions<RedisOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisOptions options)
    {
        if (!options.IsSet)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (database.Value.Provider == DatabaseProvider.Sqlite)
        {
            errors.Add("Redis:Configuration is for several control planes on one shared database: set Database:Provider to PostgreSql or SqlServer (SQLite is one process's file).");
        }

        if (!decider.Value.Standby)
        {
            errors.Add("Redis:Configuration needs Decider:Standby=true on every instance: each one stands by for the decider lease and relays its agents meanwhile.");
        }

        if (string.IsNullOrWhiteSpace(options.ChannelPrefix) || options.ChannelPrefix.Any(character => char.IsWhiteSpace(character) || character == ':'))
        {
            errors.Add($"Redis:ChannelPrefix must be a word without spaces or ':' (was '{options.ChannelPrefix}').");
        }

        if (options.CallTimeout < TimeSpan.FromMilliseconds(100) || options.CallTimeout > TimeSpan.FromSeconds(30))
        {
            errors.Add($"Redis:CallTimeout must be between 00:00:00.1 and 00:00:30 (was {options.CallTimeout}).");
        }

        if (options.ConnectTimeout < TimeSpan.FromSeconds(1) || options.ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Redis:ConnectTimeout must be between 00:00:01 and 00:05:00 (was {options.ConnectTimeout}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

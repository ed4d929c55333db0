using System.Globalization;
using Vigil.ControlPlane.Data;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Which database the fleet benchmarks work on and how large a fleet they simulate:
/// <c>--provider sqlite --database FILE</c> or <c>--provider postgresql --database CONNECTION_STRING</c>.
/// </summary>
public sealed record FleetSettings(DatabaseProvider Provider, string Database, int Nodes, int Days, int MinuteHours, int Seed)
{
    public const string Usage = """
        fleet-db generate --provider sqlite|postgresql --database FILE_OR_CONNECTION_STRING [--nodes 10000] [--days 7] [--minute-hours 48] [--seed 1]
        fleet-db prune    --provider sqlite|postgresql --database FILE_OR_CONNECTION_STRING [--prune-minute-hours 6] [--mode batched|single]
        fleet-db lists    --url URL [--requests 200] [--only TEXT]
        """;

    public static FleetSettings Parse(IReadOnlyList<string> args)
    {
        var options = Options(args);
        var provider = options.GetValueOrDefault("--provider", "sqlite").ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgresql" or "postgres" => DatabaseProvider.PostgreSql,
            var other => throw new ArgumentException($"--provider must be sqlite or postgresql (was {other})."),
        };
        var database = options.GetValueOrDefault("--database") ?? throw new ArgumentException("--database is required: a SQLite file or a PostgreSQL connection string.");
        return new FleetSettings(
            provider,
            database,
            Number(options, "--nodes", 10_000),
            Number(options, "--days", 7),
            Number(options, "--minute-hours", 48),
            Number(options, "--seed", 1));
    }

    /// <summary>The connection string the control plane would be given.</summary>
    public string ConnectionString => Provider == DatabaseProvider.Sqlite ? $"Data Source={Database}" : Database;

    public static Dictionary<string, string> Options(IReadOnlyList<string> args) =>
        args.Chunk(2).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);

    public static int Number(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;
}

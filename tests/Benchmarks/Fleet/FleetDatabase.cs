using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;

namespace Vigil.Benchmarks.Fleet;

/// <summary>Opens the control plane's own <see cref="VigilDbContext"/> on the benchmark's database, bound as the control plane binds it.</summary>
public sealed class FleetDatabase(FleetSettings settings) : IDbContextFactory<VigilDbContext>
{
    private readonly DbContextOptions<VigilDbContext> _options =
        ((DbContextOptionsBuilder<VigilDbContext>)VigilDatabase.Configure(new DbContextOptionsBuilder<VigilDbContext>(), settings.Provider, settings.ConnectionString)).Options;

    public VigilDbContext CreateDbContext() => new(_options);

    /// <summary>Applies the product's migrations and, on SQLite, the journal mode the control plane sets (WAL).</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var db = CreateDbContext();
        await db.Database.MigrateAsync(cancellationToken);
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    /// <summary>Bytes on disk of the whole database: the SQLite file with its WAL, or the PostgreSQL database.</summary>
    public async Task<long> SizeAsync(CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            await using var db = CreateDbContext();
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);", cancellationToken);
            return new FileInfo(settings.Database).Length + (File.Exists(settings.Database + "-wal") ? new FileInfo(settings.Database + "-wal").Length : 0);
        }

        return (await ScalarsAsync("SELECT 'all', pg_database_size(current_database())", cancellationToken)).Values.Single();
    }

    /// <summary>
    /// Bytes per table, its indexes included (pg_total_relation_size). Empty on SQLite: the bundled
    /// engine has no dbstat table; the benchmark script asks the sqlite3 shell instead.
    /// </summary>
    public async Task<Dictionary<string, long>> TableSizesAsync(CancellationToken cancellationToken) => settings.Provider == DatabaseProvider.Sqlite
        ? []
        : await ScalarsAsync("SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'", cancellationToken);

    /// <summary>Rows per table of the history the fleet writes.</summary>
    public async Task<Dictionary<string, long>> RowCountsAsync(IEnumerable<string> tables, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = (await ScalarsAsync($"SELECT '{table}', COUNT(*) FROM \"{table}\"", cancellationToken)).Values.Single();
        }

        return counts;
    }

    private async Task<Dictionary<string, long>> ScalarsAsync(string sql, CancellationToken cancellationToken)
    {
        await using var db = CreateDbContext();
        DbConnection connection = db.Database.GetDbConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new Dictionary<string, long>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return values;
    }
}

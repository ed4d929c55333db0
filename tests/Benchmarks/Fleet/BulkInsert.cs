using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Vigil.ControlPlane.Data;

namespace Vigil.Benchmarks.Fleet;

/// <summary>
/// Inserts many entities of the product's model fast: the table, columns, value conversions and
/// store types all come from the <see cref="VigilDbContext"/> model, only the statement differs
/// from SaveChanges (one prepared INSERT per row in one transaction on SQLite, binary COPY on
/// PostgreSQL). Keys the database generates are left to it.
/// </summary>
public sealed class BulkInsert(VigilDbContext db)
{
    public async Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType != typeof(Guid)))
            .Select(p => new Column(p, p.GetColumnName(table)!, (RelationalTypeMapping)p.GetRelationalTypeMapping()))
            .ToList();
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        if (connection is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, table.Name, columns, rows, cancellationToken);
        }
        else
        {
            await InsertEachAsync(connection, table.Name, columns, rows, cancellationToken);
        }
    }

    private static async Task InsertEachAsync<T>(DbConnection connection, string table, List<Column> columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using (var pragmas = connection.CreateCommand())
        {
            // Generating is not what is measured: no flush per commit, a large page cache for the index inserts.
            pragmas.CommandText = "PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        // The parameters are made once by the model's type mappings (store type, Guid as text, ...); each row only sets their values.
        var parameters = columns.Select((c, i) => c.Mapping.CreateParameter(command, $"@p{i}", c.Property.PropertyInfo!.GetValue(rows[0]), c.Property.IsNullable)).ToList();
        command.Parameters.AddRange(parameters.ToArray());
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Count; i++)
            {
                parameters[i].Value = columns[i].ProviderValue(row) ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string table, List<Column> columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            foreach (var column in columns)
            {
                var value = column.ProviderValue(row);
                if (value is null)
                {
                    await import.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await import.WriteAsync(value, column.StoreTypeName, cancellationToken);
                }
            }
        }

        await import.CompleteAsync(cancellationToken);
    }

    private sealed record Column(IProperty Property, string Name, RelationalTypeMapping Mapping)
    {
        /// <summary>The store type without its size: <c>character varying(32)</c> is written as <c>character varying</c>.</summary>
        public string StoreTypeName { get; } = Mapping.StoreType.Split('(')[0];

        /// <summary>The property's value as the database stores it, through the model's value converter.</summary>
        public object? ProviderValue(object row) => Property.PropertyInfo!.GetValue(row) is { } value && Mapping.Converter is { } converter
            ? converter.ConvertToProvider(value)
            : Property.PropertyInfo!.GetValue(row);
    }
}

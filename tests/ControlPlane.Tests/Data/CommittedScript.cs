using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Vigil.ControlPlane.Data;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>
/// The SQL script committed beside each provider's migrations for DBAs, and the script the
/// migrations generate now (as <c>migrations/generate-scripts.sh</c> does with the EF Core tools):
/// idempotent for SQL Server and PostgreSQL, plain for SQLite, which cannot run an idempotent one.
/// </summary>
internal static class CommittedScript
{
    public const string Regenerate = "Run migrations/generate-scripts.sh from the repository root and commit the result.";

    public static string RelativePathOf(DatabaseProvider provider) => provider switch
    {
        DatabaseProvider.Sqlite => "migrations/Sqlite/vigil-sqlite.sql",
        DatabaseProvider.SqlServer => "migrations/SqlServer/vigil-sqlserver.sql",
        DatabaseProvider.PostgreSql => "migrations/PostgreSql/vigil-postgresql.sql",
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
    };

    public static string Read(DatabaseProvider provider)
    {
        var path = Path.Combine(RepositoryLayout.Root, RelativePathOf(provider));
        Assert.True(File.Exists(path), $"{RelativePathOf(provider)} is missing. {Regenerate}");
        return Normalize(File.ReadAllText(path));
    }

    public static string Generate(DatabaseProvider provider)
    {
        using var db = ProviderContexts.Offline(provider);
        var options = provider == DatabaseProvider.Sqlite ? MigrationsSqlGenerationOptions.Default : MigrationsSqlGenerationOptions.Idempotent;
        return Normalize(db.GetService<IMigrator>().GenerateScript(options: options));
    }

    /// <summary>What generate-scripts.sh writes: no byte-order mark, LF line endings, one final newline.</summary>
    public static string Normalize(string script) => script.TrimStart('\uFEFF').ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}

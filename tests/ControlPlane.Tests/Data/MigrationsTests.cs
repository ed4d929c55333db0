using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>
/// The migrations of every provider keep up with the one model, and the SQL scripts committed for
/// DBAs keep up with the migrations. Applying them to real databases: <see cref="PostgreSqlMigrationsTests"/>,
/// <see cref="SqliteMigrationsTests"/>.
/// </summary>
public sealed class MigrationsTests
{
    public static TheoryData<DatabaseProvider> Providers => ProviderContexts.AllProviders;

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_migrations_contain_every_change_to_the_model(DatabaseProvider provider)
    {
        using var db = ProviderContexts.Offline(provider);

        Assert.False(
            db.Database.HasPendingModelChanges(),
            $"The model has changes that no {provider} migration contains. Add a migration for all three providers " +
            "(see migrations/README.md), then run migrations/generate-scripts.sh.");
    }

    [Fact]
    public void Every_migration_exists_for_all_three_providers()
    {
        var names = Enum.GetValues<DatabaseProvider>().ToDictionary(provider => provider, MigrationNames);

        foreach (var (provider, migrations) in names)
        {
            Assert.True(
                migrations.SequenceEqual(names[DatabaseProvider.Sqlite]),
                $"{provider} has the migrations [{string.Join(", ", migrations)}] but SQLite has " +
                $"[{string.Join(", ", names[DatabaseProvider.Sqlite])}]: add each migration for all three providers (see migrations/README.md).");
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public void The_committed_script_is_what_the_migrations_generate(DatabaseProvider provider)
    {
        var committed = CommittedScript.Read(provider);
        var generated = CommittedScript.Generate(provider);

        if (committed != generated)
        {
            Assert.Fail($"{CommittedScript.RelativePathOf(provider)} differs from what the {provider} migrations generate " +
                $"({FirstDifference(committed, generated)}). {CommittedScript.Regenerate}");
        }
    }

    /// <summary>Migration names without their timestamps, which differ between providers.</summary>
    private static List<string> MigrationNames(DatabaseProvider provider)
    {
        using var db = ProviderContexts.Offline(provider);
        return db.Database.GetMigrations().Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]).ToList();
    }

    private static string FirstDifference(string committed, string generated)
    {
        var committedLines = committed.Split('\n');
        var generatedLines = generated.Split('\n');
        for (var i = 0; ; i++)
        {
            var was = i < committedLines.Length ? committedLines[i] : "<end of file>";
            var now = i < generatedLines.Length ? generatedLines[i] : "<end of file>";
            if (was != now)
            {
                return $"first at line {i + 1}: committed '{was}', generated '{now}'";
            }
        }
    }
}

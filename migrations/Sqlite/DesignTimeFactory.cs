using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Vigil.ControlPlane.Data;

namespace Vigil.Migrations.Sqlite;

/// <summary>Lets the EF Core tools build the model for SQLite without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VigilDbContext>
{
    public VigilDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VigilDbContext>();
        VigilDatabase.Configure(options, DatabaseProvider.Sqlite, "Data Source=design-time.db");
        return new VigilDbContext(options.Options);
    }
}

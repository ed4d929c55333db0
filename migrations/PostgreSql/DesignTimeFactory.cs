using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Vigil.ControlPlane.Data;

namespace Vigil.Migrations.PostgreSql;

/// <summary>Lets the EF Core tools build the model for PostgreSQL without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VigilDbContext>
{
    public VigilDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VigilDbContext>();
        VigilDatabase.Configure(options, DatabaseProvider.PostgreSql, "Host=localhost;Database=vigil;Username=vigil");
        return new VigilDbContext(options.Options);
    }
}

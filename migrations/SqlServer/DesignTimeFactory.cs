using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Vigil.ControlPlane.Data;

namespace Vigil.Migrations.SqlServer;

/// <summary>Lets the EF Core tools build the model for SQL Server without starting the web host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<VigilDbContext>
{
    public VigilDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VigilDbContext>();
        VigilDatabase.Configure(options, DatabaseProvider.SqlServer, "Server=localhost;Database=Vigil;Trusted_Connection=True;TrustServerCertificate=True");
        return new VigilDbContext(options.Options);
    }
}

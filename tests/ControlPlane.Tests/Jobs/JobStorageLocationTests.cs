using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Jobs;

namespace Vigil.ControlPlane.Tests.Jobs;

public sealed class JobStorageLocationTests
{
    [Fact]
    public void On_sqlite_the_jobs_have_a_file_of_their_own_next_to_the_database()
    {
        var location = JobStorageLocation.For(DatabaseProvider.Sqlite, "Data Source=/var/lib/vigil/vigil.db;Cache=Shared");

        Assert.Equal(new JobStorageLocation(JobStorageKind.Sqlite, "/var/lib/vigil/vigil.hangfire.db"), location);
    }

    [Theory]
    [InlineData("Data Source=:memory:")]
    [InlineData("Data Source=vigil;Mode=Memory;Cache=Shared")]
    public void An_in_memory_sqlite_database_keeps_its_jobs_in_memory(string connectionString)
    {
        Assert.Equal(JobStorageKind.Memory, JobStorageLocation.For(DatabaseProvider.Sqlite, connectionString).Kind);
    }

    [Theory]
    [InlineData(DatabaseProvider.PostgreSql, JobStorageKind.PostgreSql, "Host=db;Database=vigil;Username=vigil")]
    [InlineData(DatabaseProvider.SqlServer, JobStorageKind.SqlServer, "Server=db;Database=vigil;Trusted_Connection=True")]
    public void PostgreSql_and_SqlServer_hold_the_jobs_in_the_same_database(DatabaseProvider provider, JobStorageKind kind, string connectionString)
    {
        Assert.Equal(new JobStorageLocation(kind, connectionString), JobStorageLocation.For(provider, connectionString));
    }
}

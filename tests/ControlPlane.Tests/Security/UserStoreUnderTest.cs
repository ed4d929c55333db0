using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Security;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>
/// <see cref="UserAdministration"/> on a real, migrated SQLite database with ASP.NET Core Identity
/// registered as plainly as possible (its default password rules), one scope per operation.
/// </summary>
public sealed class UserStoreUnderTest : IAsyncDisposable
{
    private readonly string _directory = RepositoryLayout.NewTemporaryDirectory("users");
    private readonly ServiceProvider _services;

    public UserStoreUnderTest()
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_directory, "vigil.db"), Pooling = false }.ToString();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddDbContext<VigilDbContext>(options => VigilDatabase.Configure(options, DatabaseProvider.Sqlite, connectionString));
        services.AddIdentityCore<VigilUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<VigilDbContext>();
        services.AddScoped<UserAdministration>();
        _services = services.BuildServiceProvider(validateScopes: true);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));

    public async Task MigrateAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<VigilDbContext>().Database.MigrateAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs <paramref name="act"/> in a scope of its own, as one request would.</summary>
    public async Task<T> WithAsync<T>(Func<UserAdministration, Task<T>> act)
    {
        await using var scope = _services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<UserAdministration>());
    }

    public async Task<VigilUser> StoredAsync(string id)
    {
        await using var scope = _services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>().FindByIdAsync(id))!;
    }

    public async Task<bool> PasswordWorksAsync(string id, string password)
    {
        await using var scope = _services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>();
        return await users.CheckPasswordAsync((await users.FindByIdAsync(id))!, password);
    }

    /// <summary>Creates a user with a generated password and returns it.</summary>
    public async Task<CreatedUserResponse> CreateAsync(string name, string role)
    {
        var result = await WithAsync(a => a.CreateAsync(new CreateUserRequest(name, null, role, null), TestContext.Current.CancellationToken));
        Assert.True(result.Succeeded, result.Message);
        return result.Value!;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// At start, once the database is ready: creates the three roles, the first admin when there is
/// no user at all (with a one-time password printed once to the console unless one is configured),
/// and the configured initial admin API key.
/// </summary>
internal sealed partial class SecurityBootstrap(
    IServiceScopeFactory scopes,
    IOptions<SecurityOptions> options,
    TimeProvider time,
    ILogger<SecurityBootstrap> logger) : IHostedService
{
    public const string InitialApiKeyName = "initial";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in VigilRoles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create the role {role}");
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>();
        if (!await users.Users.AnyAsync(cancellationToken))
        {
            await CreateFirstAdminAsync(users);
        }

        var settings = options.Value;
        if (settings.InitialAdminApiKey.Length > 0)
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<VigilDbContext>>().CreateDbContextAsync(cancellationToken);
            var hash = Secrets.Hash(settings.InitialAdminApiKey);
            if (!await db.ApiKeys.AnyAsync(k => k.SecretHash == hash, cancellationToken))
            {
                db.ApiKeys.Add(new ApiKey
                {
                    Id = Guid.NewGuid(),
                    Name = InitialApiKeyName,
                    Role = VigilRoles.Admin,
                    SecretHash = hash,
                    CreatedAt = time.GetUtcNow(),
                    CreatedBy = AuditRecord.System,
                });
                await db.SaveChangesAsync(cancellationToken);
                LogInitialKey(InitialApiKeyName);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateFirstAdminAsync(UserManager<VigilUser> users)
    {
        var settings = options.Value;
        var configured = settings.InitialAdminPassword.Length > 0;
        var password = configured ? settings.InitialAdminPassword : OneTimePassword();
        var admin = new VigilUser
        {
            UserName = settings.InitialAdminUserName,
            CreatedAt = time.GetUtcNow(),
            MustChangePassword = !configured,
        };
        Check(await users.CreateAsync(admin, password), $"create the first admin {admin.UserName}");
        Check(await users.AddToRoleAsync(admin, VigilRoles.Admin), "give the first admin its role");
        if (configured)
        {
            LogFirstAdminConfigured(admin.UserName);
            return;
        }

        if (settings.InitialAdminPasswordFile.Length > 0)
        {
            WriteOwnerOnly(settings.InitialAdminPasswordFile, $"Vigil's first admin is '{admin.UserName}' with the one-time password: {password}{Environment.NewLine}");
            LogFirstAdminWritten(admin.UserName, settings.InitialAdminPasswordFile);
            return;
        }

        // Printed to the console only, once: the log files never hold it.
        Console.WriteLine();
        Console.WriteLine($"  Vigil's first admin is '{admin.UserName}' with the one-time password: {password}");
        Console.WriteLine("  Sign in to the dashboard and choose a new password. This is shown only once.");
        Console.WriteLine();
        LogFirstAdminCreated(admin.UserName);
    }

    /// <summary>A new file with <paramref name="content"/>; on Linux and macOS readable by its owner only from its creation.</summary>
    private static void WriteOwnerOnly(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(path, options);
        writer.Write(content);
    }

    /// <summary>20 characters from an alphabet without look-alikes (no 0/O, 1/l/I): about 115 bits.</summary>
    internal static string OneTimePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 20);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin '{UserName}'; its one-time password is in {PasswordFile}: read it, sign in, choose a new password, then delete the file")]
    private partial void LogFirstAdminWritten(string userName, string passwordFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Created the first admin '{UserName}'; its one-time password was printed to the console, once")]
    private partial void LogFirstAdminCreated(string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first admin '{UserName}' with the password from Security:InitialAdminPassword")]
    private partial void LogFirstAdminConfigured(string userName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stored the admin API key from Security:InitialAdminApiKey as '{Name}'")]
    private partial void LogInitialKey(string name);
}

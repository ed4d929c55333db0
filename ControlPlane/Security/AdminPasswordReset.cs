using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// <c>reset-admin-password [USER]</c>: gets an admin back in when its password is lost, the first
/// admin's one-time password included. Run on the control plane's machine with its configuration
/// (whoever can do that can read the database anyway). Sets a new one-time password, printed to the
/// console only, unlocks the account, ends its sessions and records it in the audit log. It works
/// whether the control plane is running or not; it starts no server.
/// </summary>
internal static class AdminPasswordReset
{
    public const string Command = "reset-admin-password";

    /// <summary>
    /// True when <paramref name="args"/> ask for the reset: the command, an optional user name, then
    /// settings as usual (<c>--Database:Provider=...</c>), which are left for the host in <paramref name="hostArguments"/>.
    /// </summary>
    public static bool IsRequested(string[] args, out string? userName, out string[] hostArguments)
    {
        userName = null;
        hostArguments = args;
        if (args.Length == 0 || args[0] != Command)
        {
            return false;
        }

        var rest = args[1..];
        if (rest.Length > 0 && !rest[0].StartsWith('-') && !rest[0].Contains('=', StringComparison.Ordinal))
        {
            userName = rest[0];
            rest = rest[1..];
        }

        hostArguments = rest;
        return true;
    }

    /// <returns>The process exit code: 0 when the password was reset, 1 with a message on the error output when not.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string? userName, TextWriter output, TextWriter error)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            var provider = scope.ServiceProvider;
            var name = userName ?? provider.GetRequiredService<IOptions<SecurityOptions>>().Value.InitialAdminUserName;
            var db = provider.GetRequiredService<VigilDbContext>();
            if ((await db.Database.GetPendingMigrationsAsync()).Any())
            {
                await error.WriteLineAsync(
                    "The database has no Vigil schema yet, or an older one. Start the control plane once " +
                    "(its first start creates the schema and the first admin), then run this again.");
                return 1;
            }

            var users = provider.GetRequiredService<UserManager<VigilUser>>();
            if (await users.FindByNameAsync(name) is not { } user)
            {
                await error.WriteLineAsync($"There is no user '{name}'. Admins: {await AdminNamesAsync(users)}.");
                return 1;
            }

            if (!await users.IsInRoleAsync(user, VigilRoles.Admin))
            {
                await error.WriteLineAsync($"'{name}' is not an admin: an admin resets its password on the dashboard (Administration › Users). Admins: {await AdminNamesAsync(users)}.");
                return 1;
            }

            var administration = provider.GetRequiredService<UserAdministration>();
            var reset = await administration.ResetPasswordAsync(user.Id, CancellationToken.None);
            if (!reset.Succeeded || reset.Value is not { } done)
            {
                await error.WriteLineAsync($"Could not reset the password of '{name}': {reset.Message}");
                return 1;
            }

            var unlocked = await administration.UnlockAsync(user.Id, CancellationToken.None);
            await output.WriteLineAsync();
            await output.WriteLineAsync($"  The password of '{name}' is reset; its one-time password: {done.Password}");
            await output.WriteLineAsync("  Sign in to the dashboard and choose a new password. This is shown only once. Its earlier sessions have ended.");
            await output.WriteLineAsync();
            await RecordAsync(provider, name, unlocked.Succeeded, error);
            return 0;
        }
        catch (OptionsValidationException exception)
        {
            await error.WriteLineAsync($"The configuration is not valid: {exception.Message}");
            return 1;
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            await error.WriteLineAsync($"Could not reach the database: {exception.Message} Check Database:Provider and Database:ConnectionString (and DataDirectory for SQLite).");
            return 1;
        }
    }

    private static async Task<string> AdminNamesAsync(UserManager<VigilUser> users) =>
        string.Join(", ", (await users.GetUsersInRoleAsync(VigilRoles.Admin)).Select(u => u.UserName).Order(StringComparer.Ordinal));

    private static async Task RecordAsync(IServiceProvider provider, string name, bool unlocked, TextWriter error)
    {
        var record = new AuditRecord(
            AuditRecord.Console, "ResetUserPassword", $"user/{name}", null, AuditOutcome.Succeeded,
            $"console: user {name}, one-time password set{(unlocked ? ", unlocked" : "")}");
        try
        {
            await provider.GetRequiredService<AuditTrail>().RecordNowAsync(record, CancellationToken.None);
        }
        catch (Exception exception) when (DatabaseOutage.IsOnWrite(exception))
        {
            await error.WriteLineAsync($"The password is reset, but the audit log could not record it: {exception.Message}");
        }
    }
}

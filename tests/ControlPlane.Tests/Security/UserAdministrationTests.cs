using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Tests.Security;

/// <summary>The rules of user administration, on a real Identity store.</summary>
public sealed class UserAdministrationTests : IAsyncLifetime
{
    private readonly UserStoreUnderTest _store = new();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await _store.MigrateAsync();

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_user_created_without_a_password_gets_a_generated_one_that_works_once_and_must_be_changed()
    {
        var created = await _store.CreateAsync("alice", "operator");

        Assert.Equal(("alice", VigilRoles.Operator, true), (created.User.UserName, created.User.Role, created.User.MustChangePassword));
        Assert.NotNull(created.Password);
        Assert.True(created.Password.Length >= PasswordGenerator.MinimumLength);
        Assert.True(await _store.PasswordWorksAsync(created.User.Id, created.Password));
        Assert.DoesNotContain(created.Password, (await _store.StoredAsync(created.User.Id)).PasswordHash);
    }

    [Fact]
    public async Task A_chosen_password_is_kept_and_not_returned()
    {
        var result = await _store.WithAsync(a => a.CreateAsync(new CreateUserRequest("bob", "bob@example.com", "Viewer", "Chosen-Passw0rd!"), Cancellation));

        Assert.True(result.Succeeded, result.Message);
        Assert.Null(result.Value!.Password);
        Assert.True(await _store.PasswordWorksAsync(result.Value.User.Id, "Chosen-Passw0rd!"));
    }

    [Theory]
    [InlineData("short", "password")]
    [InlineData("alllowercaseletters", "password")]
    public async Task A_password_that_breaks_the_rules_is_refused_with_Identitys_messages_under_password(string password, string field)
    {
        var result = await _store.WithAsync(a => a.CreateAsync(new CreateUserRequest("carol", null, "Viewer", password), Cancellation));

        Assert.Equal(400, result.Status);
        Assert.Contains(result.Errors![field], message => message.StartsWith("Passwords must", StringComparison.Ordinal));
        Assert.Equal(0, (await _store.WithAsync(a => a.ListAsync(new UserQuery(null, "carol", 1, 10), Cancellation))).Total);
    }

    [Theory]
    [InlineData(null, "Viewer", "userName")]
    [InlineData("dave", "Root", "role")]
    [InlineData("dave", null, "role")]
    [InlineData("da ve", "Viewer", "userName")]
    public async Task Every_invalid_field_is_named(string? userName, string? role, string field)
    {
        var result = await _store.WithAsync(a => a.CreateAsync(new CreateUserRequest(userName, null, role, null), Cancellation));

        Assert.Equal(400, result.Status);
        Assert.True(result.Errors!.ContainsKey(field), result.Message);
    }

    [Fact]
    public async Task A_bad_email_and_a_taken_name_are_named()
    {
        await _store.CreateAsync("erin", "Viewer");

        var badEmail = await _store.WithAsync(a => a.CreateAsync(new CreateUserRequest("frank", "not-an-address", "Viewer", null), Cancellation));
        var taken = await _store.WithAsync(a => a.CreateAsync(new CreateUserRequest("ERIN", null, "Viewer", null), Cancellation));

        Assert.True(badEmail.Errors!.ContainsKey("email"), badEmail.Message);
        Assert.True(taken.Errors!.ContainsKey("userName"), taken.Message);
    }

    [Fact]
    public async Task The_last_enabled_admin_can_be_neither_demoted_locked_nor_deleted()
    {
        var admin = (await _store.CreateAsync("root", "Admin")).User;

        var demoted = await _store.WithAsync(a => a.ChangeRoleAsync(admin.Id, new ChangeRoleRequest("Operator"), Cancellation));
        var locked = await _store.WithAsync(a => a.LockAsync(admin.Id, actingUserId: null, Cancellation));
        var deleted = await _store.WithAsync(a => a.DeleteAsync(admin.Id, actingUserId: null, Cancellation));

        Assert.Equal([409, 409, 409], new[] { demoted.Status, locked.Status, deleted.Status });
        Assert.Contains("last admin", demoted.Title, StringComparison.Ordinal);
        Assert.Equal(VigilRoles.Admin, (await _store.WithAsync(a => a.FindAsync(admin.Id, Cancellation)))!.Role);
    }

    [Fact]
    public async Task With_a_second_admin_one_may_be_demoted_but_then_the_other_is_the_last()
    {
        var first = (await _store.CreateAsync("root", "Admin")).User;
        var second = (await _store.CreateAsync("deputy", "Admin")).User;

        var demoted = await _store.WithAsync(a => a.ChangeRoleAsync(first.Id, new ChangeRoleRequest("Viewer"), Cancellation));
        var secondDemoted = await _store.WithAsync(a => a.ChangeRoleAsync(second.Id, new ChangeRoleRequest("Viewer"), Cancellation));

        Assert.Equal(VigilRoles.Viewer, demoted.Value!.Role);
        Assert.Equal(409, secondDemoted.Status);
    }

    [Fact]
    public async Task A_disabled_admin_does_not_count_as_the_one_who_is_left()
    {
        var first = (await _store.CreateAsync("root", "Admin")).User;
        var second = (await _store.CreateAsync("deputy", "Admin")).User;

        Assert.True((await _store.WithAsync(a => a.LockAsync(second.Id, first.Id, Cancellation))).Succeeded);
        var deleted = await _store.WithAsync(a => a.DeleteAsync(first.Id, second.Id, Cancellation));
        var lockedDeleted = await _store.WithAsync(a => a.DeleteAsync(second.Id, first.Id, Cancellation));

        Assert.Equal(409, deleted.Status);
        Assert.True(lockedDeleted.Succeeded, lockedDeleted.Message);
    }

    [Fact]
    public async Task Nobody_deletes_or_locks_themselves()
    {
        var admin = (await _store.CreateAsync("root", "Admin")).User;
        var other = (await _store.CreateAsync("deputy", "Admin")).User;

        var deleted = await _store.WithAsync(a => a.DeleteAsync(admin.Id, admin.Id, Cancellation));
        var locked = await _store.WithAsync(a => a.LockAsync(admin.Id, admin.Id, Cancellation));
        var deletedByOther = await _store.WithAsync(a => a.DeleteAsync(admin.Id, other.Id, Cancellation));

        Assert.Equal((409, 409), (deleted.Status, locked.Status));
        Assert.Contains("yourself", deleted.Title, StringComparison.Ordinal);
        Assert.True(deletedByOther.Succeeded, deletedByOther.Message);
        Assert.Null(await _store.WithAsync(a => a.FindAsync(admin.Id, Cancellation)));
    }

    [Fact]
    public async Task Role_lock_unlock_and_password_changes_renew_the_security_stamp()
    {
        await _store.CreateAsync("root", "Admin");
        var user = (await _store.CreateAsync("alice", "Viewer")).User;
        var stamps = new List<string?> { (await _store.StoredAsync(user.Id)).SecurityStamp };

        async Task Changed<T>(Func<UserAdministration, Task<AdministrationResult<T>>> change)
        {
            var result = await _store.WithAsync(change);
            Assert.True(result.Succeeded, result.Message);
            stamps.Add((await _store.StoredAsync(user.Id)).SecurityStamp);
        }

        await Changed(a => a.ChangeRoleAsync(user.Id, new ChangeRoleRequest("Operator"), Cancellation));
        await Changed(a => a.LockAsync(user.Id, null, Cancellation));
        await Changed(a => a.UnlockAsync(user.Id, Cancellation));
        await Changed(a => a.ResetPasswordAsync(user.Id, Cancellation));

        Assert.Equal(stamps.Count, stamps.Distinct().Count());
    }

    [Fact]
    public async Task A_user_has_exactly_one_role_after_a_change()
    {
        await _store.CreateAsync("root", "Admin");
        var user = (await _store.CreateAsync("alice", "Viewer")).User;

        await _store.WithAsync(a => a.ChangeRoleAsync(user.Id, new ChangeRoleRequest("admin"), Cancellation));

        var admins = await _store.WithAsync(a => a.ListAsync(new UserQuery(VigilRoles.Admin, null, 1, 10), Cancellation));
        var viewers = await _store.WithAsync(a => a.ListAsync(new UserQuery(VigilRoles.Viewer, null, 1, 10), Cancellation));
        Assert.Equal(["ALICE", "ROOT"], admins.Items.Select(u => u.UserName.ToUpperInvariant()));
        Assert.Equal(0, viewers.Total);
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_must_be_changed()
    {
        var created = await _store.CreateAsync("alice", "Viewer");

        var reset = await _store.WithAsync(a => a.ResetPasswordAsync(created.User.Id, Cancellation));

        Assert.True(reset.Value!.User.MustChangePassword);
        Assert.False(await _store.PasswordWorksAsync(created.User.Id, created.Password!));
        Assert.True(await _store.PasswordWorksAsync(created.User.Id, reset.Value.Password));
    }

    [Fact]
    public async Task A_locked_user_shows_as_disabled_and_unlocking_enables_them()
    {
        await _store.CreateAsync("root", "Admin");
        var user = (await _store.CreateAsync("alice", "Viewer")).User;

        var locked = await _store.WithAsync(a => a.LockAsync(user.Id, null, Cancellation));
        var unlocked = await _store.WithAsync(a => a.UnlockAsync(user.Id, Cancellation));

        Assert.True(locked.Value!.Disabled);
        Assert.Null(locked.Value.LockedOutUntil);
        Assert.False(unlocked.Value!.Disabled);
    }

    [Fact]
    public async Task Users_are_listed_by_name_filtered_and_paged()
    {
        foreach (var name in new[] { "web-ops", "db-ops", "auditor", "webmaster" })
        {
            await _store.CreateAsync(name, name == "auditor" ? "Viewer" : "Operator");
        }

        var web = await _store.WithAsync(a => a.ListAsync(new UserQuery(null, "WEB", 1, 10), Cancellation));
        var secondPage = await _store.WithAsync(a => a.ListAsync(new UserQuery(VigilRoles.Operator, null, 2, 2), Cancellation));

        Assert.Equal(["web-ops", "webmaster"], web.Items.Select(u => u.UserName));
        Assert.Equal(3, secondPage.Total);
        Assert.Equal(["webmaster"], secondPage.Items.Select(u => u.UserName));
    }

    [Fact]
    public async Task Unknown_ids_are_not_found()
    {
        var result = await _store.WithAsync(a => a.DeleteAsync("no-such-user", null, Cancellation));

        Assert.Equal(404, result.Status);
    }
}

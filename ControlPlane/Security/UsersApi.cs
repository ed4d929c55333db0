using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Data.Security;
using Vigil.ControlPlane.Nodes;

namespace Vigil.ControlPlane.Security;

/// <summary>REST surface of users: <c>/api/v1/users</c>, for admins only.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users").RequireAuthorization(VigilPolicies.Admin);
        users.MapGet("/", ListUsers).WithName("ListUsers")
            .WithSummary("Lists users.")
            .WithDescription("Sorted by name, filtered by role or a part of the name, paged.")
            .Responds<PagedResult<UserResponse>>(StatusCodes.Status200OK, "A page of users.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A query parameter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        users.MapPost("/", CreateUser).WithName("CreateUser")
            .WithSummary("Creates a user with one role.")
            .WithDescription("Without a password one is generated and returned once, in this response. Either way the user must choose a new password at the first sign-in.")
            .Responds<CreatedUserResponse>(StatusCodes.Status201Created, "The user was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The user is not valid (a name in use, an unknown role, a password against the rules); `errors` names each field.")
            .NeedsTheDatabase();
        users.MapGet("/{id}", GetUser).WithName("GetUser")
            .WithSummary("Gets one user.")
            .WithDescription("Never a password hash or a security stamp.")
            .Responds<UserResponse>(StatusCodes.Status200OK, "The user.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .NeedsTheDatabase();
        users.MapPut("/{id}/role", ChangeRole).WithName("ChangeUserRole")
            .WithSummary("Gives a user another role.")
            .WithDescription("The user's sessions end at their next validation.")
            .Responds<UserResponse>(StatusCodes.Status200OK, "The user with the new role.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The role is not Admin, Operator or Viewer; `errors` names it.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The user is the last enabled admin.")
            .NeedsTheDatabase();
        users.MapPost("/{id}/reset-password", ResetPassword).WithName("ResetUserPassword")
            .WithSummary("Sets a new one-time password.")
            .WithDescription("The password is generated, returned once, and must be changed at the next sign-in; the user's sessions end.")
            .Responds<OneTimePasswordResponse>(StatusCodes.Status200OK, "The user and the one-time password.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .NeedsTheDatabase();
        users.MapPost("/{id}/lock", Lock).WithName("LockUser")
            .WithSummary("Disables a user until unlocked.")
            .WithDescription("The user cannot sign in, and their sessions end.")
            .Responds<UserResponse>(StatusCodes.Status200OK, "The user, disabled.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The user is yourself or the last enabled admin.")
            .NeedsTheDatabase();
        users.MapPost("/{id}/unlock", Unlock).WithName("UnlockUser")
            .WithSummary("Enables a disabled user.")
            .WithDescription("Also ends a lockout after failed sign-ins.")
            .Responds<UserResponse>(StatusCodes.Status200OK, "The user, enabled.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .NeedsTheDatabase();
        users.MapDelete("/{id}", DeleteUser).WithName("DeleteUser")
            .WithSummary("Deletes a user.")
            .WithDescription("Not yourself, and not the last enabled admin.")
            .Responds(StatusCodes.Status204NoContent, "The user was deleted.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No user has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "The user is yourself or the last enabled admin.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Ok<PagedResult<UserResponse>>, ValidationProblem>> ListUsers(
        UserAdministration administration,
        [Description("Only users with this role: Admin, Operator or Viewer.")] string? role = null,
        [Description("Only users whose name contains this text (any case).")] string? name = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Users per page, 1 to 500 (default 100).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var roleName = VigilRoles.Parse(role);
        if (role is not null && roleName is null)
        {
            query.Errors["role"] = [$"must be one of {string.Join(", ", VigilRoles.All)}"];
        }

        var filter = new UserQuery(roleName, name, query.Page(page), query.PageSize(pageSize));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await administration.ListAsync(filter, cancellationToken);
        return TypedResults.Ok(new PagedResult<UserResponse>(items, filter.Page, filter.PageSize, total));
    }

    internal static async Task<Results<Ok<UserResponse>, ProblemHttpResult>> GetUser(
        [Description("The user's id.")] string id, UserAdministration administration, CancellationToken cancellationToken) =>
        await administration.FindAsync(id, cancellationToken) is { } user
            ? TypedResults.Ok(user)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "User not found.", detail: $"No user has the id '{id}'.");

    internal static async Task<Results<Created<CreatedUserResponse>, ValidationProblem, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Created(
            context,
            await administration.CreateAsync(request, cancellationToken),
            created => $"/api/v1/users/{created.User.Id}",
            created => $"user {created.User.UserName}, role {created.User.Role}" + (created.Password is null ? "" : ", password generated"));

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> ChangeRole(
        [Description("The user's id.")] string id, ChangeRoleRequest request, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Ok(context, await administration.ChangeRoleAsync(id, request, cancellationToken), user => $"user {user.UserName}, role now {user.Role}");

    internal static async Task<Results<Ok<OneTimePasswordResponse>, ValidationProblem, ProblemHttpResult>> ResetPassword(
        [Description("The user's id.")] string id, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Ok(context, await administration.ResetPasswordAsync(id, cancellationToken), reset => $"user {reset.User.UserName}, one-time password set");

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> Lock(
        [Description("The user's id.")] string id, UserAdministration administration, UserManager<VigilUser> users, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Ok(context, await administration.LockAsync(id, ActingUserId(users, context.User), cancellationToken), user => $"user {user.UserName} disabled");

    internal static async Task<Results<Ok<UserResponse>, ValidationProblem, ProblemHttpResult>> Unlock(
        [Description("The user's id.")] string id, UserAdministration administration, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.Ok(context, await administration.UnlockAsync(id, cancellationToken), user => $"user {user.UserName} enabled");

    internal static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteUser(
        [Description("The user's id.")] string id, UserAdministration administration, UserManager<VigilUser> users, HttpContext context, CancellationToken cancellationToken) =>
        AdministrationAnswers.NoContent(context, await administration.DeleteAsync(id, ActingUserId(users, context.User), cancellationToken), user => $"user {user.UserName} ({user.Role}) deleted");

    /// <summary>The signed-in user's id (an API key is nobody's account, so its id matches no user).</summary>
    internal static string? ActingUserId(UserManager<VigilUser> users, ClaimsPrincipal principal) => users.GetUserId(principal);
}

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
        users.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("Lists users by name, filtered by role or name, paged.");
        users.MapPost("/", CreateUser).WithName("CreateUser")
            .WithSummary("Creates a user with one role; without a password, one is generated and returned once. The user must change it at the first sign-in.");
        users.MapGet("/{id}", GetUser).WithName("GetUser").WithSummary("Gets one user.").ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPut("/{id}/role", ChangeRole).WithName("ChangeUserRole").WithSummary("Gives the user another role; their sessions end.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id}/reset-password", ResetPassword).WithName("ResetUserPassword")
            .WithSummary("Sets a generated password, returned once, that must be changed at the next sign-in; the user's sessions end.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapPost("/{id}/lock", Lock).WithName("LockUser").WithSummary("Disables the user until unlocked; their sessions end.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        users.MapPost("/{id}/unlock", Unlock).WithName("UnlockUser").WithSummary("Enables a disabled user and ends a lockout after failed sign-ins.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        users.MapDelete("/{id}", DeleteUser).WithName("DeleteUser").WithSummary("Deletes a user; not yourself, not the last enabled admin.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
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

using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Nodes;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Audit;

/// <summary>REST surface of the audit log: <c>/api/v1/audit</c> and its CSV export, for operators and admins.</summary>
public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        var audit = app.MapGroup("/api/v1").WithTags("Audit log").RequireAuthorization(VigilPolicies.Operator);
        audit.MapGet("/audit", ListEntries).WithName("ListAuditEntries")
            .WithSummary("Lists audit entries.")
            .WithDescription("Newest first, filtered by actor, action, target, outcome and time, paged.")
            .Responds<PagedResult<AuditEntryResponse>>(StatusCodes.Status200OK, "A page of audit entries.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A filter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        audit.MapGet("/audit.csv", ExportEntries).WithName("ExportAuditEntries")
            .WithSummary("Exports audit entries as CSV.")
            .WithDescription("Every entry that matches the filters, newest first, streamed as RFC 4180 CSV; a field that a spreadsheet would run as a formula starts with a quote (').")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "A filter is not valid; `errors` names it.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Results<Ok<PagedResult<AuditEntryResponse>>, ValidationProblem>> ListEntries(
        AuditLogReader reader,
        [Description("Only entries of this actor: a user name, key:NAME, agent:NODE, anonymous, console or system.")] string? actor = null,
        [Description("Only entries of this action, e.g. CreateUser or RevokeApiKey.")] string? action = null,
        [Description("Only entries whose target contains this text.")] string? target = null,
        [Description("Only entries with this outcome: Succeeded, Failed or Denied.")] string? outcome = null,
        [Description("Only entries at or after this time (ISO 8601).")] string? from = null,
        [Description("Only entries before this time (ISO 8601).")] string? to = null,
        [Description("Page number, from 1 (default 1).")] string? page = null,
        [Description("Entries per page, 1 to 500 (default 50).")] string? pageSize = null,
        CancellationToken cancellationToken = default)
    {
        var query = new QueryParameters();
        var filter = AuditFilter.Parse(query, actor, action, target, outcome, from, to);
        var (number, size) = (query.Page(page), query.PageSize(pageSize, fallback: 50));
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var (items, total) = await reader.ListAsync(filter, number, size, cancellationToken);
        return TypedResults.Ok(new PagedResult<AuditEntryResponse>([.. items.Select(AuditEntryResponse.From)], number, size, total));
    }

    internal static Results<PushStreamHttpResult, ValidationProblem> ExportEntries(
        AuditLogReader reader,
        TimeProvider time,
        HttpContext context,
        [Description("Only entries of this actor.")] string? actor = null,
        [Description("Only entries of this action.")] string? action = null,
        [Description("Only entries whose target contains this text.")] string? target = null,
        [Description("Only entries with this outcome: Succeeded, Failed or Denied.")] string? outcome = null,
        [Description("Only entries at or after this time (ISO 8601).")] string? from = null,
        [Description("Only entries before this time (ISO 8601).")] string? to = null)
    {
        var query = new QueryParameters();
        var filter = AuditFilter.Parse(query, actor, action, target, outcome, from, to);
        if (query.HasErrors)
        {
            return TypedResults.ValidationProblem(query.Errors, title: "The query is not valid.");
        }

        var fileName = string.Create(CultureInfo.InvariantCulture, $"vigil-audit-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv");
        return TypedResults.Stream(
            async body =>
            {
                await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024);
                await AuditCsv.WriteAsync(writer, reader.ReadAllAsync(filter, context.RequestAborted), context.RequestAborted);
            },
            AuditCsv.ContentType,
            fileName);
    }
}

/// <summary>One audit entry as the API shows it.</summary>
public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? SourceAddress, string Outcome, string? Detail)
{
    public static AuditEntryResponse From(Data.Audit.AuditEntry entry) =>
        new(entry.Id, entry.At, entry.Actor, entry.Action, entry.Target, entry.SourceAddress, entry.Outcome, entry.Detail);
}

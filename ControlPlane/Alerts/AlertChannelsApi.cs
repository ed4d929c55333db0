using System.ComponentModel;
using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.ControlPlane.Alerts.Channels;
using Vigil.ControlPlane.Alerts.Delivery;
using Vigil.ControlPlane.Api;
using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Security;

namespace Vigil.ControlPlane.Alerts;

/// <summary>REST surface of alert channels: <c>/api/v1/alert-channels</c>. Everyone signed in reads; admins change; operators send test messages.</summary>
public static class AlertChannelsApi
{
    public static IEndpointRouteBuilder MapAlertChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/api/v1/alert-channels").WithTags("Alert channels");
        channels.MapGet("/", ListChannels).WithName("ListAlertChannels")
            .WithSummary("Lists alert channels, by name; never their secrets.")
            .Responds<IReadOnlyList<AlertChannelResponse>>(StatusCodes.Status200OK, "Every channel.")
            .NeedsTheDatabase();
        channels.MapGet("/{id:guid}", GetChannel).WithName("GetAlertChannel")
            .WithSummary("Gets one alert channel; never its secrets.")
            .Responds<AlertChannelResponse>(StatusCodes.Status200OK, "The channel.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No channel has this id.")
            .NeedsTheDatabase();
        channels.MapPost("/", CreateChannel).WithName("CreateAlertChannel")
            .WithSummary("Creates an alert channel (admins).")
            .WithDescription("Secrets (an SMTP password, a signing secret) are stored protected and never returned.")
            .Responds<AlertChannelResponse>(StatusCodes.Status201Created, "The channel was created; Location names it.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The channel is not valid (a name in use, an unknown kind, a URL that is not http(s) or is link-local, an invalid address); `errors` names each field.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Admin);
        channels.MapPut("/{id:guid}", ReplaceChannel).WithName("ReplaceAlertChannel")
            .WithSummary("Replaces an alert channel's name, kind and settings (admins).")
            .WithDescription("Omit `secrets` to keep the stored ones.")
            .Responds<AlertChannelResponse>(StatusCodes.Status200OK, "The channel as changed.")
            .RespondsWithProblem(StatusCodes.Status400BadRequest, "The channel is not valid; `errors` names each field.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No channel has this id.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Admin);
        channels.MapDelete("/{id:guid}", DeleteChannel).WithName("DeleteAlertChannel")
            .WithSummary("Deletes an alert channel (admins).")
            .WithDescription("Refused while a rule sends to it: take it out of the rules first.")
            .Responds(StatusCodes.Status204NoContent, "The channel was deleted.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No channel has this id.")
            .RespondsWithProblem(StatusCodes.Status409Conflict, "A rule sends to this channel; `detail` names it.")
            .NeedsTheDatabase()
            .RequireAuthorization(VigilPolicies.Admin);
        channels.MapPost("/{id:guid}/test", SendTestMessage).WithName("TestAlertChannel")
            .WithSummary("Sends a test message through the channel now.")
            .WithDescription("One attempt, bounded by the delivery timeout; the answer says whether the receiver took it and what it answered.")
            .Responds<ChannelTestResponse>(StatusCodes.Status200OK, "The receiver took the test message.")
            .RespondsWithProblem(StatusCodes.Status404NotFound, "No channel has this id.")
            .RespondsWithProblem(StatusCodes.Status502BadGateway, "The receiver did not take the test message; `detail` says what it answered.")
            .NeedsTheDatabase();
        return app;
    }

    internal static async Task<Ok<IReadOnlyList<AlertChannelResponse>>> ListChannels(AlertChannelStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.ListAsync(cancellationToken));

    internal static async Task<Results<Ok<AlertChannelResponse>, ProblemHttpResult>> GetChannel([Description("The channel's id (a GUID).")] Guid id, AlertChannelStore store, CancellationToken cancellationToken) =>
        await store.DescribeAsync(id, cancellationToken) is { } channel ? TypedResults.Ok(channel) : NotFound(id);

    internal static async Task<Results<Created<AlertChannelResponse>, ValidationProblem>> CreateChannel(
        AlertChannelRequest request, AlertChannelStore store, ControlPlaneAddresses own, HttpContext http, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var (valid, errors) = await CheckAsync(request, id, store, own, cancellationToken);
        if (valid is not { } channel)
        {
            return Invalid(errors);
        }

        await store.SaveAsync(id, request.Name!, channel.Kind, channel.Settings, request.Secrets ?? new AlertChannelSecrets(), cancellationToken);
        AuditContext.SetDetail(http, $"alert channel {id} '{request.Name}' ({channel.Kind})");
        return TypedResults.Created($"/api/v1/alert-channels/{id}", await store.DescribeAsync(id, cancellationToken));
    }

    internal static async Task<Results<Ok<AlertChannelResponse>, ValidationProblem, ProblemHttpResult>> ReplaceChannel(
        [Description("The channel's id (a GUID).")] Guid id, AlertChannelRequest request, AlertChannelStore store, ControlPlaneAddresses own, HttpContext http, CancellationToken cancellationToken)
    {
        if (await store.DescribeAsync(id, cancellationToken) is null)
        {
            return NotFound(id);
        }

        var (valid, errors) = await CheckAsync(request, id, store, own, cancellationToken);
        if (valid is not { } channel)
        {
            return Invalid(errors);
        }

        await store.SaveAsync(id, request.Name!, channel.Kind, channel.Settings, request.Secrets, cancellationToken);
        AuditContext.SetDetail(http, $"alert channel {id} '{request.Name}' ({channel.Kind}){(request.Secrets is null ? "" : ", secrets replaced")}");
        return TypedResults.Ok((await store.DescribeAsync(id, cancellationToken))!);
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> DeleteChannel(
        [Description("The channel's id (a GUID).")] Guid id, AlertChannelStore store, AlertStore rules, AlertEvaluator evaluator, HttpContext http, CancellationToken cancellationToken)
    {
        if (await store.DescribeAsync(id, cancellationToken) is not { } channel)
        {
            return NotFound(id);
        }

        var user = RuleSendingTo(await rules.RulesAsync(cancellationToken), id);
        if (user is not null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "The channel is in use.",
                detail: $"The rule '{user.Name}' sends to the channel '{channel.Name}': take it out of that rule first.");
        }

        await store.DeleteAsync(id, cancellationToken);
        evaluator.Refresh();
        AuditContext.SetDetail(http, $"alert channel {id} '{channel.Name}'");
        return TypedResults.NoContent();
    }

    internal static async Task<Results<Ok<ChannelTestResponse>, ProblemHttpResult>> SendTestMessage(
        [Description("The channel's id (a GUID).")] Guid id, AlertChannelStore store, AlertSender sender, TimeProvider time, Microsoft.Extensions.Options.IOptions<AlertOptions> options, HttpContext http, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(id, cancellationToken) is not { } channel)
        {
            return NotFound(id);
        }

        var outcome = await sender.SendAsync(channel, AlertMessage.Test(channel.Name, time.GetUtcNow(), options.Value.DashboardUrl), cancellationToken);
        AuditContext.SetDetail(http, $"alert channel {id} '{channel.Name}': {outcome.Describe()}");
        return outcome is Sent
            ? TypedResults.Ok(new ChannelTestResponse(true, outcome.Describe()))
            : TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "The channel did not take the test message.", detail: outcome.Describe());
    }

    /// <summary>The valid kind and settings, or the errors naming each field at fault (a name in use, an address of the control plane among them).</summary>
    internal static async Task<((AlertChannelKind Kind, AlertChannelSettings Settings)? Valid, Dictionary<string, string[]> Errors)> CheckAsync(
        AlertChannelRequest request, Guid id, AlertChannelStore store, ControlPlaneAddresses own, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var valid = AlertChannelRules.Check(request, errors);
        if (valid is { Settings.Url: { } text } && !own.Allowed && Uri.TryCreate(text, UriKind.Absolute, out var url) && own.Matching(url) is { } address)
        {
            errors["settings.url"] = [$"points at this control plane ({address}): a channel may not post to Vigil itself unless Alerts:AllowChannelsToControlPlane is true"];
            valid = null;
        }

        if (valid is not null && await store.NameTakenAsync(request.Name!, id, cancellationToken))
        {
            errors["name"] = ["is the name of another channel"];
            valid = null;
        }

        return (valid, errors);
    }

    /// <summary>A rule that sends to the channel (directly or on escalation), which keeps it from being deleted.</summary>
    internal static AlertRule? RuleSendingTo(IEnumerable<AlertRule> rules, Guid channelId) =>
        rules.FirstOrDefault(r => r.Channels.Contains(channelId) || r.Escalation?.Channels.Contains(channelId) == true);

    private static ValidationProblem Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The alert channel is not valid.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such alert channel.", detail: $"No alert channel has the id {id}.");
}

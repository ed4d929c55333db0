namespace Vigil.ControlPlane.Security;

/// <summary>
/// How a change to a user or an API key ended: done (with its value), refused because a field is
/// not valid (problems named by field), the object does not exist, or the change would break a rule
/// (the last admin, deleting yourself). The API turns it into a response, the dashboard into a message.
/// </summary>
public sealed class AdministrationResult<T>
{
    internal AdministrationResult(T? value, IDictionary<string, string[]>? errors, int status, string? title, string? detail)
    {
        Value = value;
        Errors = errors;
        Status = status;
        Title = title;
        Detail = detail;
    }

    public T? Value { get; }

    public IDictionary<string, string[]>? Errors { get; }

    public int Status { get; }

    public string? Title { get; }

    public string? Detail { get; }

    public bool Succeeded => Status < 400;

    /// <summary>What went wrong in one sentence, for the dashboard and the audit log.</summary>
    public string Message => Errors is { Count: > 0 } errors
        ? string.Join(" ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))
        : $"{Title} {Detail}".Trim();
}

/// <summary>Builds <see cref="AdministrationResult{T}"/>.</summary>
public static class AdministrationResult
{
    public static AdministrationResult<T> Done<T>(T value) => new(value, null, StatusCodes.Status200OK, null, null);

    public static AdministrationResult<T> Invalid<T>(IDictionary<string, string[]> errors, string title) =>
        new(default, errors, StatusCodes.Status400BadRequest, title, null);

    public static AdministrationResult<T> Invalid<T>(string field, string problem, string title) =>
        Invalid<T>(new Dictionary<string, string[]> { [field] = [problem] }, title);

    public static AdministrationResult<T> NotFound<T>(string title, string detail) => new(default, null, StatusCodes.Status404NotFound, title, detail);

    public static AdministrationResult<T> Conflict<T>(string title, string detail) => new(default, null, StatusCodes.Status409Conflict, title, detail);
}

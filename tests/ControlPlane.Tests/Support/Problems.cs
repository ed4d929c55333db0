using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vigil.ControlPlane.Tests.Support;

public static class Problems
{
    /// <summary>Asserts a 400 validation problem whose errors name <paramref name="field"/>.</summary>
    public static async Task AssertNamesFieldAsync(HttpClient http, string path, string field)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
    }
}

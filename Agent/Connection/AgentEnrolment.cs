using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Vigil.Agent.Configuration;
using Vigil.Agent.Identity;

namespace Vigil.Agent.Connection;

/// <summary>
/// Gets the agent its own credential: presents <c>Agent:EnrollmentToken</c> once to
/// <c>POST /api/v1/agents/enroll</c> and stores the credential it receives. Neither is ever logged.
/// </summary>
internal sealed partial class AgentEnrolment(
    IOptions<AgentOptions> options,
    NodeIdentityHolder identity,
    ILogger<AgentEnrolment> logger) : IDisposable
{
    public const string Path = "api/v1/agents/enroll";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private readonly AgentOptions _options = options.Value;
    private readonly HttpClient _http = new() { Timeout = RequestTimeout };
    private readonly Lazy<AgentCredentialFile> _file = new(() => new AgentCredentialFile(options.Value.DataDirectory!));

    public bool HasToken => !string.IsNullOrWhiteSpace(_options.EnrollmentToken);

    /// <summary>The stored credential, or null when the agent has not enrolled.</summary>
    public string? StoredCredential() => _file.Value.Load();

    /// <summary>Enrols with the token and stores the new credential, replacing an older one.</summary>
    /// <exception cref="EnrolmentRefusedException">The control plane refused the token or the node.</exception>
    public async Task<string> EnrolAsync(Uri controlPlane, CancellationToken cancellationToken)
    {
        var address = new Uri(new Uri(controlPlane.ToString().TrimEnd('/') + "/"), Path);
        // The current credential, if any, proves that this is the node's agent enrolling again.
        var request = new EnrolmentRequest(_options.EnrollmentToken.Trim(), identity.NodeId, Environment.MachineName, StoredCredential());
        using var response = await _http.PostAsJsonAsync(address, request, EnrolmentJson.Default.EnrolmentRequest, cancellationToken);
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
        {
            throw new EnrolmentRefusedException(response.StatusCode, await TitleOfAsync(response, cancellationToken));
        }

        response.EnsureSuccessStatusCode();
        var enrolled = await response.Content.ReadFromJsonAsync(EnrolmentJson.Default.EnrolmentResponse, cancellationToken);
        if (enrolled is null || string.IsNullOrEmpty(enrolled.Credential))
        {
            throw new InvalidOperationException("The control plane's answer to the enrolment held no credential.");
        }

        _file.Value.Save(enrolled.Credential);
        LogEnrolled(identity.NodeId, enrolled.AgentId, enrolled.State, _file.Value.FilePath);
        return enrolled.Credential;
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> TitleOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync(EnrolmentJson.Default.EnrolmentProblem, cancellationToken);
            return problem?.Title ?? $"HTTP {(int)response.StatusCode}";
        }
        catch (JsonException)
        {
            return $"HTTP {(int)response.StatusCode}";
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} enrolled as agent {AgentId} ({State}); its credential is stored in {CredentialFile}")]
    private partial void LogEnrolled(Guid nodeId, Guid agentId, string state, string credentialFile);
}

/// <summary>The control plane refused to enrol this agent: 401 for the token, 403 for a revoked node.</summary>
public sealed class EnrolmentRefusedException(HttpStatusCode status, string title)
    : Exception($"{title} (HTTP {(int)status})")
{
    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;
}

internal sealed record EnrolmentRequest(string Token, Guid NodeId, string HostName, string? Credential);

internal sealed record EnrolmentResponse(Guid AgentId, string Credential, string State);

internal sealed record EnrolmentProblem(string? Title, string? Detail);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EnrolmentRequest))]
[JsonSerializable(typeof(EnrolmentResponse))]
[JsonSerializable(typeof(EnrolmentProblem))]
internal sealed partial class EnrolmentJson : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Agent.Configuration;
using Vigil.Agent.Identity;

namespace Vigil.Agent.Installation;

/// <summary>
/// What the installer writes into <c>agent.json</c>: the control plane's addresses, the enrollment
/// token and the data folder, merged into the file already there (an upgrade keeps the node's name,
/// labels and services). Nothing is written when a value is wrong; every error names the installer
/// property to fix.
/// </summary>
public static class InstalledConfiguration
{
    /// <summary>
    /// The new content of <c>agent.json</c>, or the reasons it cannot be written.
    /// <paramref name="urls"/> is one address or several separated by commas; empty keeps the
    /// addresses already in <paramref name="existing"/> (an upgrade). <paramref name="token"/> empty
    /// keeps the one there, and is required only while the node has no credential.
    /// </summary>
    public static (string? Content, IReadOnlyList<string> Errors) Merge(string? existing, string urls, string token, string dataDirectory)
    {
        var errors = new List<string>();
        JsonObject root;
        try
        {
            root = string.IsNullOrWhiteSpace(existing)
                ? []
                : JsonNode.Parse(existing, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject
                  ?? throw new JsonException("the file does not hold a JSON object");
        }
        catch (JsonException exception)
        {
            return (null, [$"The agent configuration file already there cannot be read ({exception.Message}); fix or remove it and install again."]);
        }

        var agent = root[AgentOptions.Section] as JsonObject ?? [];
        root[AgentOptions.Section] = agent;

        var addresses = urls.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (addresses.Length == 0)
        {
            if (string.IsNullOrWhiteSpace((string?)agent[nameof(AgentOptions.ControlPlaneUrl)]))
            {
                errors.Add("CONTROLPLANEURL is required: the address of the Vigil control plane, e.g. CONTROLPLANEURL=http://controlplane.example:5080 (several separated by commas).");
            }
        }
        else
        {
            foreach (var address in addresses.Where(address => !AgentOptionsValidator.IsControlPlaneUrl(address)))
            {
                errors.Add($"CONTROLPLANEURL must be absolute http or https URLs separated by commas, e.g. http://controlplane.example:5080 ('{address}' is not).");
            }

            agent[nameof(AgentOptions.ControlPlaneUrl)] = addresses[0];
            if (addresses.Length > 1)
            {
                agent["ControlPlaneUrls"] = new JsonArray([.. addresses.Select(address => JsonValue.Create(address))]);
            }
            else
            {
                agent.Remove("ControlPlaneUrls");
            }
        }

        if (!string.IsNullOrWhiteSpace(token))
        {
            agent[nameof(AgentOptions.EnrollmentToken)] = token.Trim();
        }
        else if (string.IsNullOrWhiteSpace((string?)agent[nameof(AgentOptions.EnrollmentToken)]) && !AgentCredentialFile.ExistsIn(dataDirectory))
        {
            errors.Add("ENROLLMENTTOKEN is required until the node has enrolled: an enrollment token from the control plane (Administration › Enrollment tokens).");
        }

        agent[nameof(AgentOptions.DataDirectory)] = dataDirectory;
        return errors.Count == 0 ? (root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), []) : (null, errors);
    }
}

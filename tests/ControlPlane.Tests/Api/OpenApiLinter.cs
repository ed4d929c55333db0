using System.Diagnostics;
using System.Text.Json;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Api;

/// <summary>
/// Redocly's OpenAPI linter, as pinned in <c>tests/openapi-lint</c> (installed there by <c>./test.sh</c>),
/// run with that folder's rules on a document written to a file.
/// </summary>
public static class OpenApiLinter
{
    public static string Folder { get; } = Path.Combine(RepositoryLayout.Root, "tests", "openapi-lint");

    /// <summary>Lints the document; returns every error and warning as "rule: message (where)", none when clean.</summary>
    public static async Task<IReadOnlyList<string>> LintAsync(string documentJson, CancellationToken cancellationToken)
    {
        var cli = Path.Combine(Folder, "node_modules", "@redocly", "cli", "bin", "cli.js");
        if (!File.Exists(cli))
        {
            throw new InvalidOperationException($"{cli} not found. Run ./test.sh, or npm ci in {Folder}.");
        }

        var document = Path.Combine(RepositoryLayout.NewTemporaryDirectory("openapi-lint"), "openapi.json");
        await File.WriteAllTextAsync(document, documentJson, cancellationToken);
        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { cli, "lint", document, "--config", Path.Combine(Folder, "redocly.yaml"), "--format=json" },
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node could not be started.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var report = await output;
        if (!report.TrimStart().StartsWith('{'))
        {
            throw new InvalidOperationException($"The linter did not report (exit code {process.ExitCode}):\n{report}\n{await errors}");
        }

        using var json = JsonDocument.Parse(report);
        return [.. json.RootElement.GetProperty("problems").EnumerateArray().Select(Describe)];
    }

    private static string Describe(JsonElement problem)
    {
        var where = problem.GetProperty("location").EnumerateArray().Select(l => l.GetProperty("pointer").GetString()).FirstOrDefault();
        return $"{problem.GetProperty("severity").GetString()} {problem.GetProperty("ruleId").GetString()}: {problem.GetProperty("message").GetString()} ({where})";
    }
}

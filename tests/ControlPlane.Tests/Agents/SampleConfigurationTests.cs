using Microsoft.Extensions.Configuration;
using Vigil.ControlPlane.Agents;
using Vigil.TestSupport;

namespace Vigil.ControlPlane.Tests.Agents;

public sealed class SampleConfigurationTests
{
    public static TheoryData<string> ControlPlaneSamples() =>
        [.. Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "deploy", "config"), "controlplane*.json").Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(ControlPlaneSamples))]
    public void No_sample_ships_a_standing_enrollment_token_the_control_plane_would_accept(string sample)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(RepositoryLayout.Root, "deploy", "config", sample)).Build();
        var options = configuration.GetSection("Agents").Get<AgentsOptions>() ?? new AgentsOptions();

        var verdict = new AgentsOptionsValidator().Validate(null, options);

        Assert.True(options.EnrollmentToken.Length == 0 || verdict.Failed, $"{sample} sets Agents:EnrollmentToken to a value that passes validation");
    }

    [Fact]
    public void A_placeholder_copied_from_a_sample_is_refused_at_start()
    {
        var verdict = new AgentsOptionsValidator().Validate(null, new AgentsOptions { EnrollmentToken = "replace-with-a-long-random-secret" });

        Assert.True(verdict.Failed);
        Assert.Contains("placeholder", verdict.FailureMessage, StringComparison.Ordinal);
    }
}

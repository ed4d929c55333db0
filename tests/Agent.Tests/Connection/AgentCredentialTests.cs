using System.Net;
using Microsoft.AspNetCore.SignalR;
using Vigil.Agent.Configuration;
using Vigil.Agent.Connection;
using Vigil.Agent.Identity;

namespace Vigil.Agent.Tests.Connection;

/// <summary>The agent's credential file, the setting that needs the token only until it exists, and how refusals read.</summary>
public sealed class AgentCredentialTests
{
    [Fact]
    public void A_saved_credential_reads_back_and_only_its_owner_may_read_the_file()
    {
        using var folder = new TemporaryFolder();
        var file = new AgentCredentialFile(folder.Path);
        // A leftover from a crash, readable by all, must not lend its mode to the credential.
        File.WriteAllText(folder.File("credential.tmp"), "old");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder.File("credential.tmp"), (UnixFileMode)0b110_100_100);
        }

        file.Save("vac_0123_first");
        file.Save("vac_0123_second");

        Assert.Equal("vac_0123_second", file.Load());
        Assert.True(AgentCredentialFile.ExistsIn(folder.Path));
        Assert.False(File.Exists(folder.File("credential.tmp")));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FilePath));
        }
    }

    [Fact]
    public void No_file_means_no_credential()
    {
        using var folder = new TemporaryFolder();

        Assert.Null(new AgentCredentialFile(folder.Path).Load());
        Assert.False(AgentCredentialFile.ExistsIn(folder.Path));
    }

    [Fact]
    public void The_enrollment_token_is_required_only_until_the_agent_has_a_credential()
    {
        using var folder = new TemporaryFolder();
        var options = new AgentOptions { ControlPlaneUrl = "http://cp:5080", DataDirectory = folder.Path, NodeName = "web-01" };
        var validator = new AgentOptionsValidator();

        var before = validator.Validate(null, options);
        new AgentCredentialFile(folder.Path).Save("vac_0123_secret");
        var after = validator.Validate(null, options);

        Assert.Contains("Agent:EnrollmentToken is required until the agent has enrolled", before.FailureMessage, StringComparison.Ordinal);
        Assert.True(after.Succeeded, after.FailureMessage);
    }

    [Fact]
    public void Refusals_say_what_an_operator_must_do()
    {
        Assert.Equal(ConnectionFailureKind.AgentRevoked, ConnectionFailure.Of(new EnrolmentRefusedException(HttpStatusCode.Forbidden, "This node's agent has been revoked.")).Kind);
        Assert.Equal(ConnectionFailureKind.TokenRefused, ConnectionFailure.Of(new EnrolmentRefusedException(HttpStatusCode.Unauthorized, "The enrollment token has expired.")).Kind);
        var pending = ConnectionFailure.Of(new HubException("This agent is waiting for approval: an administrator must approve agent 1 (node 2) before it may register."));
        Assert.Equal(ConnectionFailureKind.AwaitingApproval, pending.Kind);
        Assert.True(pending.Repeats(pending with { }));
    }
}

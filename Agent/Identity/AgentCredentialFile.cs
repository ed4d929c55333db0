using System.Security.Cryptography;
using System.Text;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Identity;

/// <summary>
/// The agent's own credential, received at enrolment and kept in <c>credential</c> in the data
/// directory: on Linux readable by the agent's user only (0600); on Windows encrypted with DPAPI
/// for this machine. Its content is never logged.
/// </summary>
public sealed class AgentCredentialFile(string dataDirectory)
{
    public const string FileName = "credential";
    private readonly ICredentialProtection _protection = CredentialProtection.ForThisMachine();

    public string FilePath { get; } = Path.Combine(dataDirectory, FileName);

    public static bool ExistsIn(string dataDirectory) => File.Exists(Path.Combine(dataDirectory, FileName));

    /// <summary>The stored credential, or null when there is none (never enrolled).</summary>
    public string? Load()
    {
        if (!File.Exists(FilePath))
        {
            return null;
        }

        var stored = File.ReadAllText(FilePath).Trim();
        if (stored.Length == 0)
        {
            return null;
        }

        try
        {
            return _protection.Unprotect(stored);
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            throw new InvalidOperationException(
                $"The credential file {FilePath} cannot be read on this machine ({exception.Message}). " +
                "Delete it and set Agent:EnrollmentToken so that the agent enrols again.", exception);
        }
    }

    public void Save(string credential) => DurableFile.WriteOwnerOnly(FilePath, _protection.Protect(credential));
}

/// <summary>How the credential is kept at rest on this operating system.</summary>
internal interface ICredentialProtection
{
    string Protect(string credential);

    string Unprotect(string stored);
}

internal static class CredentialProtection
{
    public static ICredentialProtection ForThisMachine() =>
        OperatingSystem.IsWindows() ? new MachineDpapiProtection("Vigil agent credential"u8.ToArray()) : new OwnerOnlyFileProtection();
}

/// <summary>Linux and macOS: the text as is, in a file only its owner may read (see <see cref="DurableFile.WriteOwnerOnly"/>).</summary>
internal sealed class OwnerOnlyFileProtection : ICredentialProtection
{
    public string Protect(string credential) => credential;

    public string Unprotect(string stored) => stored;
}

/// <summary>
/// Windows: DPAPI with the machine's key, so only this machine can read it (the agent runs as a service
/// account). <paramref name="entropy"/> tells apart what is protected for what, e.g. the agent's credential
/// from a run-as password.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal sealed class MachineDpapiProtection(byte[] entropy) : ICredentialProtection
{
    private byte[] Entropy { get; } = entropy;

    public string Protect(string credential) =>
        Convert.ToBase64String(ProtectedData.Protect(Encoding.UTF8.GetBytes(credential), Entropy, DataProtectionScope.LocalMachine));

    public string Unprotect(string stored) =>
        Encoding.UTF8.GetString(ProtectedData.Unprotect(Convert.FromBase64String(stored), Entropy, DataProtectionScope.LocalMachine));
}

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// The shape of every secret Vigil hands out (API keys, enrollment tokens, agent credentials):
/// <c>{kind}_{id}_{secret}</c>, where <c>kind</c> tells what it is (<c>vk</c>, <c>vet</c>, <c>vac</c>),
/// <c>id</c> is the row's id (32 hex digits) and <c>secret</c> 256 random bits in base64url. Only
/// the SHA-256 of the secret part is stored; a presented secret is compared in fixed time.
/// </summary>
public static class Secrets
{
    public const string ApiKeyKind = "vk";
    public const string EnrollmentTokenKind = "vet";
    public const string AgentCredentialKind = "vac";

    private const int SecretBytes = 32;

    /// <summary>A new secret for row <paramref name="id"/>: the text to hand out once, and the hash to store.</summary>
    public static (string Text, byte[] Hash) Create(string kind, Guid id)
    {
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return ($"{kind}_{id:N}_{secret}", Hash(secret));
    }

    /// <summary>The row id and secret of a presented text of the given kind, or false when it has not that shape.</summary>
    public static bool TryParse(string? text, string kind, out Guid id, out string secret)
    {
        id = Guid.Empty;
        secret = "";
        if (text is null || text.Length > 200 || !text.StartsWith(kind + "_", StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text.AsSpan(kind.Length + 1);
        var separator = rest.IndexOf('_');
        if (separator != 32 || !Guid.TryParseExact(rest[..separator], "N", out id) || rest.Length == separator + 1)
        {
            return false;
        }

        secret = rest[(separator + 1)..].ToString();
        return true;
    }

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="storedHash"/>; fixed time.</summary>
    public static bool Matches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(secret), storedHash);

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}

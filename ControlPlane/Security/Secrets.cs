using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// The shape of every secret Vigil hands out (API keys, enrollment tokens, agent credentials):
/// <c>{kind}_{id}_{random}</c>, where <c>kind</c> tells what it is (<c>vk</c>, <c>vet</c>, <c>vac</c>),
/// <c>id</c> is the row's id (32 hex digits, so a secret found in a file can be traced to its row)
/// and <c>random</c> 256 random bits in base64url. Only the SHA-256 of the whole text is stored,
/// indexed, and a presented secret is found by its hash: with 256 random bits a fast hash is safe,
/// and nothing comparable to a password is ever kept.
/// </summary>
public static class Secrets
{
    public const string ApiKeyKind = "vk";
    public const string EnrollmentTokenKind = "vet";
    public const string AgentCredentialKind = "vac";

    /// <summary>Longer presented texts are refused before hashing.</summary>
    public const int MaxLength = 200;

    private const int RandomBytes = 32;

    /// <summary>A new secret for row <paramref name="id"/>: the text to hand out once, and the hash to store.</summary>
    public static (string Text, byte[] Hash) Create(string kind, Guid id)
    {
        var text = $"{kind}_{id:N}_{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomBytes))}";
        return (text, Hash(text));
    }

    /// <summary>The stored form of a presented secret (SHA-256 of its UTF-8 text).</summary>
    public static byte[] Hash(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    /// <summary>True for a text that may be a secret: not empty, not longer than <see cref="MaxLength"/>, no whitespace.</summary>
    public static bool IsPlausible(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= MaxLength && !text.Any(char.IsWhiteSpace);
}

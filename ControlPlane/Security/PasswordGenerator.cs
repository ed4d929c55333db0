using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// Passwords that an administrator hands over once (a new user's, a reset): long, random, and with
/// every character class the password rules may require, so that they always pass those rules.
/// </summary>
public static class PasswordGenerator
{
    public const int MinimumLength = 20;

    // No look-alikes (0/O, 1/l/I), so a password read aloud or copied by hand survives.
    private const string Lower = "abcdefghijkmnopqrstuvwxyz";
    private const string Upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
    private const string Digits = "23456789";
    private const string Symbols = "-_.!#%+=@";
    private const string All = Lower + Upper + Digits + Symbols;

    public static string Create(PasswordOptions rules)
    {
        var length = Math.Max(MinimumLength, rules.RequiredLength);
        var characters = new char[length];
        characters[0] = Pick(Lower);
        characters[1] = Pick(Upper);
        characters[2] = Pick(Digits);
        characters[3] = Pick(Symbols);
        for (var i = 4; i < length; i++)
        {
            characters[i] = Pick(All);
        }

        RandomNumberGenerator.Shuffle(characters.AsSpan());
        return new string(characters);
    }

    private static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];
}

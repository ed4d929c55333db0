namespace Vigil.Shared.Validation;

/// <summary>
/// Text the control plane accepts from an agent: no control characters, not blank, within a limit.
/// The control plane refuses a whole message for one control character in one field, so an agent
/// passes text it did not write itself (a probe's output, an exception's message) through here.
/// </summary>
public static class PrintableText
{
    /// <summary>Control characters become spaces; blank text becomes "-"; longer text is cut at <paramref name="maxLength"/>.</summary>
    public static string Of(string text, int maxLength)
    {
        var clean = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        }).Trim();
        clean = clean.Length == 0 ? "-" : clean;
        return clean.Length <= maxLength ? clean : clean[..maxLength];
    }
}

using System.Text.RegularExpressions;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// References to environment variables (<c>%NAME%</c>) in an imported definition: the agent expands
/// them when it launches a <c>process</c> service in its arguments, working directory and environment,
/// so they are carried over as written there. Elsewhere (the executable, the log folder) they stay
/// as written, and the import says so.
/// </summary>
public static partial class VariableReferences
{
    /// <summary>Notes each reference in <paramref name="text"/>, a field the agent does not expand, once.</summary>
    public static void NoteNotExpanded(string text, string field, List<string> notes)
    {
        foreach (Match variable in VariablePattern().Matches(text))
        {
            var note = $"{variable.Value} in {field} is passed as written: the agent expands environment variables only in the arguments, the working directory and the environment.";
            if (!notes.Contains(note))
            {
                notes.Add(note);
            }
        }
    }

    [GeneratedRegex(@"%[A-Za-z_][A-Za-z0-9_()]*%")]
    private static partial Regex VariablePattern();
}

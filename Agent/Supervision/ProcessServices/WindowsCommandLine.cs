using System.Text;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>Builds a Windows command line that the C runtime splits back into exactly the given arguments.</summary>
public static class WindowsCommandLine
{
    public static string Join(string executable, IEnumerable<string> arguments)
    {
        var line = new StringBuilder();
        Append(line, executable);
        foreach (var argument in arguments)
        {
            line.Append(' ');
            Append(line, argument);
        }

        return line.ToString();
    }

    /// <summary>Quotes when needed; backslashes are doubled only where they precede a quote.</summary>
    public static void Append(StringBuilder line, string argument)
    {
        if (argument.Length > 0 && argument.IndexOfAny([' ', '\t', '\n', '\v', '"']) < 0)
        {
            line.Append(argument);
            return;
        }

        line.Append('"');
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            line.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            backslashes = 0;
            line.Append(c);
        }

        line.Append('\\', backslashes * 2);
        line.Append('"');
    }
}

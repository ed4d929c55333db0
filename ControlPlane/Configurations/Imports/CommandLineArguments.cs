using System.Text;

namespace Vigil.ControlPlane.Configurations.Imports;

/// <summary>
/// Splits a Windows command line's arguments as programs built with the Microsoft C runtime read
/// them (CommandLineToArgvW's rules): whitespace separates, double quotes group, <c>""</c> inside
/// quotes is a quote, and backslashes escape only a quote that follows them.
/// </summary>
public static class CommandLineArguments
{
    public static IReadOnlyList<string> Split(string commandLine)
    {
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;
        var quoted = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '\\')
            {
                var backslashes = 1;
                while (i + backslashes < commandLine.Length && commandLine[i + backslashes] == '\\')
                {
                    backslashes++;
                }

                i += backslashes - 1;
                inArgument = true;
                if (i + 1 < commandLine.Length && commandLine[i + 1] == '"')
                {
                    current.Append('\\', backslashes / 2);
                    if (backslashes % 2 == 1)
                    {
                        current.Append('"');
                        i++;
                    }
                }
                else
                {
                    current.Append('\\', backslashes);
                }
            }
            else if (c == '"')
            {
                inArgument = true;
                if (quoted && i + 1 < commandLine.Length && commandLine[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else
                {
                    quoted = !quoted;
                }
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        return arguments;
    }
}

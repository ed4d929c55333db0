using System.Text;
using Vigil.Shared.Validation;

namespace Vigil.Agent.Supervision.ProcessServices;

/// <summary>
/// <c>protect-password</c>: reads a run-as account's password (typed without echo, or one line of standard
/// input) and prints it protected for this machine (<see cref="RunAsPassword"/>), the text to set as
/// <c>RunAs:Password</c> in the agent's configuration. The password in clear is neither printed nor kept.
/// </summary>
public static class ProtectPasswordCommand
{
    /// <summary>The exit code when <paramref name="args"/> name this command; null otherwise (the agent runs).</summary>
    public static int? Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] != RunAsRules.ProtectCommand)
        {
            return null;
        }

        if (!OperatingSystem.IsWindows())
        {
            error.WriteLine($"{RunAsRules.ProtectCommand}: run-as accounts are supported on Windows nodes only.");
            return 2;
        }

        if (args.Length > 1)
        {
            error.WriteLine($"{RunAsRules.ProtectCommand}: takes no arguments; type the password when asked, or pass it on standard input (never on the command line).");
            return 2;
        }

        var password = Console.IsInputRedirected ? input.ReadLine() : ReadHidden(error);
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine($"{RunAsRules.ProtectCommand}: no password was given.");
            return 2;
        }

        output.WriteLine(RunAsPassword.Protect(password));
        return 0;
    }

    private static string ReadHidden(TextWriter prompt)
    {
        prompt.Write("Password of the run-as account (not shown): ");
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        prompt.WriteLine();
        return password.ToString();
    }
}

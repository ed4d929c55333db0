using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

/// <summary>References to environment variables in a process service's definition, as each operating system writes them.</summary>
public sealed class EnvironmentReferencesTests
{
    private static readonly Dictionary<string, string> Machine = new(StringComparer.Ordinal)
    {
        ["PATH"] = "/usr/bin",
        ["HOME"] = "/home/app",
        ["ProgramFiles"] = @"C:\Program Files",
        ["ProgramFiles(x86)"] = @"C:\Program Files (x86)",
        ["EMPTY"] = "",
        ["A_1"] = "one",
    };

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("", "")]
    [InlineData("%PATH%", "/usr/bin")]
    [InlineData("%path%", "/usr/bin")]
    [InlineData("%PATH%;C:\\tools", "/usr/bin;C:\\tools")]
    [InlineData("%ProgramFiles%\\App\\%HOME%", "C:\\Program Files\\App\\/home/app")]
    [InlineData("%ProgramFiles(x86)%\\App", "C:\\Program Files (x86)\\App")]
    [InlineData("[%EMPTY%]", "[]")]
    [InlineData("%%", "%")]
    [InlineData("100%%", "100%")]
    [InlineData("%%PATH%%", "%PATH%")]
    [InlineData("%%%PATH%", "%/usr/bin")]
    [InlineData("%UNKNOWN%", "%UNKNOWN%")]
    [InlineData("%UNKNOWN%\\%PATH%", "%UNKNOWN%\\/usr/bin")]
    [InlineData("50% of %PATH%", "50% of /usr/bin")]
    [InlineData("%", "%")]
    [InlineData("a%b", "a%b")]
    [InlineData("trailing %PATH", "trailing %PATH")]
    [InlineData("%A=B%", "%A=B%")]
    [InlineData("$PATH ${HOME}", "$PATH ${HOME}")]
    public void Windows_references_are_percent_names_matched_ignoring_case(string text, string expanded)
    {
        Assert.Equal(expanded, EnvironmentReferences.Expand(text, ReferenceSyntax.Windows, IgnoringCase));
    }

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("$PATH", "/usr/bin")]
    [InlineData("${PATH}", "/usr/bin")]
    [InlineData("$PATH:/opt/bin", "/usr/bin:/opt/bin")]
    [InlineData("${HOME}x", "/home/appx")]
    [InlineData("$HOMEx", "$HOMEx")]
    [InlineData("$A_1.txt", "one.txt")]
    [InlineData("$path", "$path")]
    [InlineData("${path}", "${path}")]
    [InlineData("[$EMPTY]", "[]")]
    [InlineData("$$", "$")]
    [InlineData("$$PATH", "$PATH")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("$1 $ $-", "$1 $ $-")]
    [InlineData("${UNKNOWN}/$UNKNOWN", "${UNKNOWN}/$UNKNOWN")]
    [InlineData("${", "${")]
    [InlineData("${PATH", "${PATH")]
    [InlineData("${}", "${}")]
    [InlineData("${1X}", "${1X}")]
    [InlineData("${A B}", "${A B}")]
    [InlineData("%PATH%", "%PATH%")]
    public void Unix_references_are_dollar_names_matched_exactly(string text, string expanded)
    {
        Assert.Equal(expanded, EnvironmentReferences.Expand(text, ReferenceSyntax.Unix, Exactly));
    }

    [Fact]
    public void A_value_is_not_expanded_again()
    {
        var lookup = (string name) => name == "A" ? "%B% $B" : null;

        Assert.Equal("%B% $B", EnvironmentReferences.Expand("%A%", ReferenceSyntax.Windows, lookup));
        Assert.Equal("%B% $B", EnvironmentReferences.Expand("$A", ReferenceSyntax.Unix, lookup));
    }

    [Fact]
    public void A_service_entry_that_refers_to_itself_extends_the_agents_value()
    {
        var entries = Entries(ReferenceSyntax.Windows, ("PATH", "%PATH%;C:\\tools"));

        Assert.Equal("/usr/bin;C:\\tools", entries["PATH"]);
    }

    [Fact]
    public void A_service_entry_may_refer_to_another_whatever_their_order()
    {
        var entries = Entries(ReferenceSyntax.Unix, ("LOGS", "$APP_HOME/logs"), ("APP_HOME", "$HOME/app"), ("CONFIG", "${APP_HOME}/etc"));

        Assert.Equal(("/home/app/app/logs", "/home/app/app", "/home/app/app/etc"), (entries["LOGS"], entries["APP_HOME"], entries["CONFIG"]));
    }

    [Fact]
    public void Entries_that_refer_to_each_other_in_a_circle_end_at_the_agents_values()
    {
        var entries = Entries(ReferenceSyntax.Windows, ("HOME", "%PATH%-h"), ("PATH", "%HOME%-p"));

        // HOME is expanded first: its PATH is the entry, whose HOME leads back, so it is the agent's.
        Assert.Equal(("/home/app-p-h", "/home/app-p"), (entries["HOME"], entries["PATH"]));
    }

    [Fact]
    public void On_windows_an_entry_matches_a_reference_written_in_another_case()
    {
        var entries = Entries(ReferenceSyntax.Windows, ("Path", "%PATH%;C:\\tools"), ("TOOLS", "%path%"));

        Assert.Equal(("/usr/bin;C:\\tools", "/usr/bin;C:\\tools"), (entries["Path"], entries["TOOLS"]));
    }

    [Fact]
    public void An_unknown_variable_in_an_entry_is_left_as_written()
    {
        Assert.Equal("$NOWHERE/bin", Entries(ReferenceSyntax.Unix, ("X", "$NOWHERE/bin"))["X"]);
    }

    [Fact]
    public void The_arguments_and_the_working_directory_see_the_agents_environment_with_the_services_entries_on_top()
    {
        var definition = new ManagedServiceDefinition
        {
            Name = "app",
            Kind = ServiceKinds.Process,
            Executable = "$HOME/bin/app",
            Arguments = ["--home", "$APP_HOME", "--path=${PATH}", "$$literal", "$MISSING"],
            WorkingDirectory = "$APP_HOME",
            Environment = new() { ["APP_HOME"] = "$HOME/app", ["PATH"] = "$PATH:$APP_HOME/bin" },
        };

        var expanded = ExpandedDefinition.Of(definition, ReferenceSyntax.Unix, Machine);

        Assert.Equal(["--home", "/home/app/app", "--path=/usr/bin:/home/app/app/bin", "$literal", "$MISSING"], expanded.Arguments);
        Assert.Equal("/home/app/app", expanded.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["APP_HOME"] = "/home/app/app", ["PATH"] = "/usr/bin:/home/app/app/bin" }, expanded.Environment);
    }

    [Fact]
    public void A_definition_without_references_is_launched_as_written()
    {
        var definition = new ManagedServiceDefinition { Name = "app", Kind = ServiceKinds.Process, Executable = "C:\\app\\app.exe", Arguments = ["run"] };

        var expanded = ExpandedDefinition.Of(definition, ReferenceSyntax.Windows, Machine);

        Assert.Equal(["run"], expanded.Arguments);
        Assert.Null(expanded.WorkingDirectory);
        Assert.Empty(expanded.Environment);
    }

    private static string? IgnoringCase(string name) =>
        Machine.FirstOrDefault(v => v.Key.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found ? found.Value : null;

    private static string? Exactly(string name) => Machine.GetValueOrDefault(name);

    private static IReadOnlyDictionary<string, string> Entries(ReferenceSyntax syntax, params (string Name, string Value)[] entries) =>
        EnvironmentReferences.ExpandEntries(
            entries.ToDictionary(e => e.Name, e => e.Value),
            syntax,
            syntax == ReferenceSyntax.Windows ? IgnoringCase : Exactly);
}

using Vigil.ControlPlane.Configurations.Imports;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Configurations;

public sealed class WinSwDefinitionTests
{
    /// <summary>A definition as WinSW's own sample writes one, with rotation by size and restart delays.</summary>
    private const string Jenkins = """
        <service>
          <id>jenkins</id>
          <name>Jenkins</name>
          <description>This service runs Jenkins continuous integration system.</description>
          <env name="JENKINS_HOME" value="%BASE%"/>
          <executable>java</executable>
          <arguments>-Xrs -Xmx256m -jar "%BASE%\jenkins.war" --httpPort=8080 --webroot="%BASE%\war"</arguments>
          <workingdirectory>%BASE%</workingdirectory>
          <logpath>%BASE%\logs</logpath>
          <log mode="roll-by-size">
            <sizeThreshold>10240</sizeThreshold>
            <keepFiles>8</keepFiles>
          </log>
          <stoptimeout>15 sec</stoptimeout>
          <onfailure action="restart" delay="10 sec"/>
          <onfailure action="restart" delay="20 sec"/>
          <resetfailure>1 hour</resetfailure>
          <serviceaccount><username>.\jenkins</username><password>secret</password></serviceaccount>
          <priority>high</priority>
        </service>
        """;

    [Fact]
    public void A_WinSW_definition_becomes_a_process_service_with_what_Vigil_has_carried_over()
    {
        var (service, notes) = WinSwDefinition.Parse(Jenkins, @"C:\jenkins\");

        Assert.Equal("jenkins", service.Name);
        Assert.Equal(ServiceKinds.Process, service.Kind);
        Assert.Equal("java", service.Executable);
        Assert.Equal(["-Xrs", "-Xmx256m", "-jar", @"C:\jenkins\jenkins.war", "--httpPort=8080", @"--webroot=C:\jenkins\war"], service.Arguments);
        Assert.Equal(@"C:\jenkins", service.WorkingDirectory);
        Assert.Equal(@"C:\jenkins", service.Environment["JENKINS_HOME"]);
        Assert.Equal(new ServiceLogSettings { Directory = @"C:\jenkins\logs", MaxFileBytes = 10240 * 1024L, MaxFiles = 8 }, service.Logs);
        Assert.Equal(TimeSpan.FromSeconds(15), service.StopTimeout);
        Assert.Equal(new RestartSettings { Enabled = true, InitialDelay = TimeSpan.FromSeconds(10), ResetAfterHealthy = TimeSpan.FromHours(1) }, service.Restart);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(service));

        Assert.Contains(notes, n => n.StartsWith("<serviceaccount> is not carried over", StringComparison.Ordinal));
        Assert.Equal(ProcessPriorities.High, service.Priority);
        Assert.DoesNotContain(notes, n => n.Contains("<priority>", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("Only the first <onfailure> delay is kept", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n.Contains("<name>", StringComparison.Ordinal) || n.Contains("<env>", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_arguments_win_over_arguments_and_an_action_other_than_restart_turns_restarts_off()
    {
        var (service, notes) = WinSwDefinition.Parse(
            """
            <service>
              <id>My App (prod)</id>
              <executable>C:\app\app.exe</executable>
              <arguments>run</arguments>
              <startarguments>serve --port 80</startarguments>
              <onfailure action="none"/>
              <log mode="roll-by-time"/>
              <env name="PATH" value="%PATH%;C:\app"/>
            </service>
            """,
            baseDirectory: null);

        Assert.Equal("My-App-prod-", service.Name);
        Assert.Equal(["serve", "--port", "80"], service.Arguments);
        Assert.False(service.Restart.Enabled);
        Assert.Equal(new ServiceLogSettings { RollDaily = true }, service.Logs);
        Assert.Contains(notes, n => n.StartsWith("Log mode roll-by-time", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("<onfailure action=\"none\">", StringComparison.Ordinal));
    }

    /// <summary>A WinSW 3 definition with hooks, a delayed start, a real-time priority and a daily roll.</summary>
    private const string Orders = """
        <service>
          <id>orders</id>
          <executable>%BASE%\orders.exe</executable>
          <priority>RealTime</priority>
          <delayedAutoStart>true</delayedAutoStart>
          <prestart>
            <executable>%BASE%\migrate.exe</executable>
            <arguments>--wait "%BASE%\db.conf"</arguments>
            <stdoutPath>%BASE%\logs\migrate.out.log</stdoutPath>
          </prestart>
          <poststart><executable>%BASE%\register.cmd</executable></poststart>
          <prestop><executable>%BASE%\drain.cmd</executable></prestop>
          <poststop><executable>%BASE%\deregister.cmd</executable><arguments>--all</arguments></poststop>
          <log mode="roll-by-time">
            <pattern>yyyyMMdd</pattern>
            <keepFiles>14</keepFiles>
          </log>
        </service>
        """;

    [Fact]
    public void Hooks_delayed_start_priority_and_a_daily_roll_are_carried_over_and_what_differs_is_said()
    {
        var (service, notes) = WinSwDefinition.Parse(Orders, @"C:\Orders");

        Assert.Equal(@"C:\Orders\migrate.exe", service.PreStart?.Executable);
        Assert.Equal(["--wait", @"C:\Orders\db.conf"], service.PreStart!.Arguments);
        Assert.Equal(@"C:\Orders\register.cmd", service.PostStart?.Executable);
        Assert.Empty(service.PostStart!.Arguments);
        Assert.Equal(@"C:\Orders\deregister.cmd", service.PostStop?.Executable);
        Assert.Equal(["--all"], service.PostStop!.Arguments);
        Assert.Equal(TimeSpan.FromMinutes(2), service.StartDelay);
        Assert.Equal(ProcessPriorities.High, service.Priority);
        Assert.Equal(new ServiceLogSettings { RollDaily = true, KeepDays = 14 }, service.Logs);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(service));

        Assert.Contains("<priority> RealTime becomes High: the agent runs no service at real-time priority, which can starve the machine.", notes);
        Assert.Contains(notes, n => n.StartsWith("<delayedAutoStart> becomes StartDelay 00:02:00", StringComparison.Ordinal));
        Assert.Contains("<prestart> <stdoutPath> is not carried over: a hook's output goes to prestart.log in the service's log folder.", notes);
        Assert.Contains("<prestop> is not carried over: the pre-stop hook: the agent runs PreStart, PostStart and PostStop hooks only.", notes);
        Assert.Contains(notes, n => n.StartsWith("Log mode roll-by-time: the agent rolls the output at midnight to stdout.log.<yyyy-MM-dd>", StringComparison.Ordinal));
        Assert.DoesNotContain(notes, n => n.StartsWith("<prestart> is not carried over", StringComparison.Ordinal) || n.StartsWith("<delayedAutoStart> is not", StringComparison.Ordinal));
    }

    [Fact]
    public void A_roll_by_size_and_time_keeps_its_size_and_rolls_daily_and_an_hourly_pattern_or_another_hour_is_noted()
    {
        var (service, notes) = WinSwDefinition.Parse(
            """
            <service>
              <executable>C:\app\app.exe</executable>
              <log mode="roll-by-size-time">
                <sizeThreshold>2048</sizeThreshold>
                <pattern>yyyyMMddHH</pattern>
                <autoRollAtTime>03:00:00</autoRollAtTime>
                <zipOlderThanNumDays>5</zipOlderThanNumDays>
              </log>
            </service>
            """,
            baseDirectory: null);

        Assert.Equal(new ServiceLogSettings { RollDaily = true, MaxFileBytes = 2048 * 1024L }, service.Logs);
        Assert.Contains(notes, n => n.StartsWith("Log mode roll-by-size-time with pattern yyyyMMddHH rolls more often than daily", StringComparison.Ordinal));
        Assert.Contains("<autoRollAtTime> 03:00:00 is not carried over: the agent rolls at midnight.", notes);
        Assert.Contains("<zipOlderThanNumDays> is not carried over: the agent does not zip old output.", notes);
        Assert.Contains("Dated output files are kept 30 days (Logs:KeepDays).", notes);
    }

    [Fact]
    public void A_delayed_start_set_to_false_is_no_delay()
    {
        var (service, _) = WinSwDefinition.Parse("<service><executable>x.exe</executable><delayedAutoStart>false</delayedAutoStart></service>", baseDirectory: null);

        Assert.Equal(TimeSpan.Zero, service.StartDelay);
    }

    [Fact]
    public void References_to_variables_are_carried_over_where_the_agent_expands_them_and_noted_elsewhere()
    {
        var (service, notes) = WinSwDefinition.Parse(
            """
            <service>
              <id>app</id>
              <executable>%JAVA_HOME%\bin\java.exe</executable>
              <arguments>-Dtmp=%TEMP% -jar "%APP_HOME%\app.jar"</arguments>
              <workingdirectory>%APP_HOME%</workingdirectory>
              <env name="APP_HOME" value="%ProgramData%\app"/>
              <env name="PATH" value="%PATH%;%APP_HOME%\bin"/>
              <logpath>%APP_HOME%\logs</logpath>
            </service>
            """,
            baseDirectory: null);

        Assert.Equal(["-Dtmp=%TEMP%", "-jar", "%APP_HOME%\\app.jar"], service.Arguments);
        Assert.Equal("%APP_HOME%", service.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["APP_HOME"] = "%ProgramData%\\app", ["PATH"] = "%PATH%;%APP_HOME%\\bin" }, service.Environment);
        Assert.Equal(
            [
                "%JAVA_HOME% in <executable> is passed as written: the agent expands environment variables only in the arguments, the working directory and the environment.",
                "%APP_HOME% in <logpath> is passed as written: the agent expands environment variables only in the arguments, the working directory and the environment.",
            ],
            notes.Where(n => n.Contains('%', StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("not xml at all", "not well-formed XML")]
    [InlineData("<configuration><executable>x</executable></configuration>", "root element is <service>, not <configuration>")]
    [InlineData("<service><id>x</id></service>", "no <executable>")]
    [InlineData("<service><executable>x</executable><stoptimeout>soon</stoptimeout></service>", "<stoptimeout> 'soon' is not a WinSW duration")]
    [InlineData("<service><executable>%BASE%\\x.exe</executable></service>", "give baseDirectory")]
    [InlineData("<service><executable>x</executable><log mode=\"roll-by-size\"><keepFiles>-1</keepFiles></log></service>", "<keepFiles> '-1' is not a positive whole number")]
    [InlineData("<!DOCTYPE service [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><service><executable>&x;</executable></service>", "not well-formed XML")]
    public void What_cannot_be_read_is_refused_with_the_reason(string xml, string reason)
    {
        var error = Assert.Throws<ServiceImportException>(() => WinSwDefinition.Parse(xml, baseDirectory: null));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("\"a b\" c", new[] { "a b", "c" })]
    [InlineData("--dir=\"C:\\Program Files\\x\"", new[] { "--dir=C:\\Program Files\\x" })]
    [InlineData("a\\\\b \"c\\\\\" d", new[] { "a\\\\b", "c\\", "d" })]
    [InlineData("\\\"quoted\\\"", new[] { "\"quoted\"" })]
    [InlineData("\"say \"\"hi\"\"\"", new[] { "say \"hi\"" })]
    [InlineData("\"\" x", new[] { "", "x" })]
    [InlineData("   ", new string[0])]
    public void Arguments_are_split_as_Windows_programs_read_them(string commandLine, string[] expected) =>
        Assert.Equal(expected, CommandLineArguments.Split(commandLine));
}

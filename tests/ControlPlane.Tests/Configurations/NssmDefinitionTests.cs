using Vigil.ControlPlane.Configurations.Imports;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Configurations;

public sealed class NssmDefinitionTests
{
    /// <summary>What reg export writes for a service NSSM installed and was then edited with nssm set.</summary>
    private const string Export = """
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\My App]
        "Type"=dword:00000010
        "Start"=dword:00000002
        "ImagePath"="C:\\nssm\\nssm.exe"
        "ObjectName"=".\\svc-app"

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\My App\Parameters]
        "Application"="C:\\Program Files\\App\\app.exe"
        "AppParameters"="--config \"C:\\Program Files\\App\\app.yml\" -v"
        "AppDirectory"="C:\\Program Files\\App"
        "AppEnvironmentExtra"=hex(7):41,00,50,00,50,00,5f,00,45,00,4e,00,56,00,3d,00,70,00,72,00,6f,00,64,00,\
          00,00,54,00,5a,00,3d,00,55,00,54,00,43,00,00,00,00,00
        "AppStdout"="C:\\logs\\app\\out.log"
        "AppStderr"="C:\\logs\\app\\err.log"
        "AppRotateFiles"=dword:00000001
        "AppRotateBytes"=dword:00100000
        "AppStopMethodConsole"=dword:00003a98
        "AppRestartDelay"=dword:000007d0
        "AppPriority"=dword:00008000

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\My App\Parameters\AppExit]
        @="Restart"
        "2"="Exit"
        """;

    [Fact]
    public void An_NSSM_service_becomes_a_process_service_with_what_Vigil_has_carried_over()
    {
        var (service, notes) = NssmDefinition.Parse(Export);

        Assert.Equal("My-App", service.Name);
        Assert.Equal(ServiceKinds.Process, service.Kind);
        Assert.Equal(@"C:\Program Files\App\app.exe", service.Executable);
        Assert.Equal(["--config", @"C:\Program Files\App\app.yml", "-v"], service.Arguments);
        Assert.Equal(@"C:\Program Files\App", service.WorkingDirectory);
        Assert.Equal(new Dictionary<string, string> { ["APP_ENV"] = "prod", ["TZ"] = "UTC" }, service.Environment);
        Assert.Equal(new ServiceLogSettings { Directory = @"C:\logs\app", MaxFileBytes = 0x100000, MaxFiles = 5 }, service.Logs);
        Assert.Equal(TimeSpan.FromSeconds(15), service.StopTimeout);
        Assert.Equal(new RestartSettings { Enabled = true, InitialDelay = TimeSpan.FromSeconds(2) }, service.Restart);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(service));

        Assert.Contains(notes, n => n.StartsWith(@"The service runs as .\svc-app: not carried over; set RunAs in the definition", StringComparison.Ordinal));
        Assert.Equal(ProcessPriorities.AboveNormal, service.Priority);
        Assert.DoesNotContain(notes, n => n.Contains("AppPriority", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("Actions for particular exit codes", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith(@"The output goes to stdout.log and stderr.log in C:\logs\app", StringComparison.Ordinal));
    }

    /// <summary>A service given a delayed start, processors, hooks and rotation with nssm set, as reg export writes it.</summary>
    private const string Hooked = """
        Windows Registry Editor Version 5.00

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders]
        "Start"=dword:00000002
        "DelayedAutostart"=dword:00000001

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders\Parameters]
        "Application"="C:\\Orders\\orders.exe"
        "AppPriority"=dword:00000100
        "AppAffinity"="0-2,5"
        "AppStdout"="C:\\Orders\\logs\\out.log"
        "AppRotateFiles"=dword:00000001
        "AppRotateSeconds"=dword:00015180
        "AppRotateBytes"=dword:00a00000

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders\Parameters\AppEvents\Start]
        "Pre"="C:\\Orders\\migrate.exe --wait \"C:\\Orders\\db.conf\""
        "Post"="C:\\Orders\\register.cmd"

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders\Parameters\AppEvents\Stop]
        "Pre"="C:\\Orders\\drain.cmd"

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders\Parameters\AppEvents\Exit]
        "Post"="C:\\Orders\\deregister.cmd %NSSM_EXIT_CODE%"

        [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\orders\Parameters\AppEvents\Rotate]
        "Post"="C:\\Orders\\compress.cmd"
        """;

    [Fact]
    public void Priority_processors_delayed_start_and_hooks_are_carried_over_and_what_differs_is_said()
    {
        var (service, notes) = NssmDefinition.Parse(Hooked);

        Assert.Equal(ProcessPriorities.High, service.Priority);
        Assert.Equal([0, 1, 2, 5], service.Affinity);
        Assert.Equal(TimeSpan.FromMinutes(2), service.StartDelay);
        Assert.Equal(new LifecycleHook { Executable = @"C:\Orders\migrate.exe", Arguments = ["--wait", @"C:\Orders\db.conf"] }, service.PreStart, HookComparer.Instance);
        Assert.Equal(new LifecycleHook { Executable = @"C:\Orders\register.cmd" }, service.PostStart, HookComparer.Instance);
        Assert.Equal(new LifecycleHook { Executable = @"C:\Orders\deregister.cmd", Arguments = ["%NSSM_EXIT_CODE%"] }, service.PostStop, HookComparer.Instance);
        Assert.Equal(new ServiceLogSettings { Directory = @"C:\Orders\logs", MaxFileBytes = 0xa00000 }, service.Logs);
        Assert.Empty(Vigil.Shared.Validation.ServiceDefinitionValidator.Validate(service));

        Assert.Contains("AppPriority RealTime becomes High: the agent runs no service at real-time priority, which can starve the machine.", notes);
        Assert.Contains(notes, n => n.StartsWith("The delayed automatic start becomes StartDelay 00:02:00", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("AppEvents Start/Pre becomes PreStart: any exit code other than 0 fails the start (NSSM stopped it only on exit code 99)", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("AppEvents Exit/Post becomes PostStop", StringComparison.Ordinal));
        Assert.Contains("AppEvents Stop/Pre is not carried over: the agent runs PreStart, PostStart and PostStop hooks only.", notes);
        Assert.Contains("AppEvents Rotate/Post is not carried over: the agent runs PreStart, PostStart and PostStop hooks only.", notes);
        Assert.Contains(notes, n => n.StartsWith("AppRotateSeconds is not carried over: the age a file must reach before NSSM rotates it at a start", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("AppRotateFiles: NSSM rotated the output when the service started and kept every rotated file", StringComparison.Ordinal));
    }

    [Fact]
    public void A_Stop_Post_hook_wins_over_Exit_Post_which_is_then_said_to_be_left_out()
    {
        var export = Hooked.Replace("[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\orders\\Parameters\\AppEvents\\Stop]\n\"Pre\"", "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\orders\\Parameters\\AppEvents\\Stop]\n\"Post\"", StringComparison.Ordinal);

        var (service, notes) = NssmDefinition.Parse(export);

        Assert.Equal(@"C:\Orders\drain.cmd", service.PostStop?.Executable);
        Assert.Contains(notes, n => n.StartsWith("AppEvents Exit/Post is not carried over", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0-64")]
    [InlineData("a,b")]
    [InlineData("3-")]
    public void Processors_that_cannot_be_read_are_left_out_with_a_note(string affinity)
    {
        var (service, notes) = NssmDefinition.Parse(Hooked.Replace("\"0-2,5\"", $"\"{affinity}\"", StringComparison.Ordinal));

        Assert.Empty(service.Affinity);
        Assert.Contains(notes, n => n.StartsWith($"AppAffinity '{affinity}' is not a list of processors", StringComparison.Ordinal));
    }

    [Fact]
    public void References_to_variables_are_carried_over_where_the_agent_expands_them_and_noted_elsewhere()
    {
        var (service, notes) = NssmDefinition.Parse("""
            Windows Registry Editor Version 5.00

            [HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\app\Parameters]
            "Application"="%ProgramFiles%\\App\\app.exe"
            "AppParameters"="--temp %TEMP%"
            "AppDirectory"="%ProgramData%\\App"
            "AppStdout"="%ProgramData%\\App\\logs\\out.log"
            """);

        Assert.Equal(["--temp", "%TEMP%"], service.Arguments);
        Assert.Equal(@"%ProgramData%\App", service.WorkingDirectory);
        Assert.Equal(
            [
                "%ProgramFiles% in Application is passed as written: the agent expands environment variables only in the arguments, the working directory and the environment.",
                "%ProgramData% in the output folder is passed as written: the agent expands environment variables only in the arguments, the working directory and the environment.",
            ],
            notes.Where(n => n.Contains("passed as written", StringComparison.Ordinal)));
    }

    [Fact]
    public void An_exit_action_other_than_restart_turns_the_agents_restarts_off()
    {
        var export = Export.Replace("@=\"Restart\"", "@=\"Ignore\"", StringComparison.Ordinal);

        var (service, notes) = NssmDefinition.Parse(export);

        Assert.False(service.Restart.Enabled);
        Assert.Contains("AppExit Ignore: the agent does not restart the service by itself.", notes);
    }

    [Theory]
    [InlineData("REGEDIT4\n[HKEY_LOCAL_MACHINE\\x]", "begins with \"Windows Registry Editor Version 5.00\"")]
    [InlineData("Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\x]\n\"A\"=\"b\"", "no Parameters key")]
    [InlineData("Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\S\\x\\Parameters]\n\"AppDirectory\"=\"C:\\\\\"", "has no Application")]
    [InlineData("Windows Registry Editor Version 5.00\n\"A\"=\"b\"", "comes before any [key]")]
    [InlineData("Windows Registry Editor Version 5.00\n[K\\Parameters]\n\"Application\"=\"x.exe\"\n\"AppRotateBytes\"=dword:zz", "Not a DWORD value")]
    [InlineData("Windows Registry Editor Version 5.00\n[K\\Parameters]\n\"Application\"=\"x.exe", "does not end")]
    public void What_cannot_be_read_is_refused_with_the_reason(string export, string reason)
    {
        var error = Assert.Throws<ServiceImportException>(() => NssmDefinition.Parse(export));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registry_export_in_UTF16_with_a_byte_order_mark_and_CRLF_reads_the_same()
    {
        var utf16 = "\uFEFF" + Export.ReplaceLineEndings("\r\n");

        Assert.Equal(NssmDefinition.Parse(Export).Service.Environment, NssmDefinition.Parse(utf16).Service.Environment);
    }

    /// <summary>Hooks compared by their content (their argument lists are lists).</summary>
    private sealed class HookComparer : IEqualityComparer<LifecycleHook?>
    {
        public static readonly HookComparer Instance = new();

        public bool Equals(LifecycleHook? x, LifecycleHook? y) =>
            x is null ? y is null : y is not null && x.Executable == y.Executable && x.Arguments.SequenceEqual(y.Arguments) && x.WorkingDirectory == y.WorkingDirectory && x.Timeout == y.Timeout;

        public int GetHashCode(LifecycleHook? obj) => obj?.Executable?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}

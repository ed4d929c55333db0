using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

/// <summary>Output files rolled over by day: named after the day they cover, kept for KeepDays, never losing lines.</summary>
public sealed class DailyLogRollTests : IDisposable
{
    private static readonly ServiceLogSettings Daily = new() { RollDaily = true, KeepDays = 3 };
    private readonly TemporaryFolder _folder = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 6, 23, 59, 0, TimeSpan.Zero));

    public DailyLogRollTests() => _time.SetLocalTimeZone(TimeZoneInfo.Utc);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_first_check_of_a_new_day_moves_the_days_lines_to_a_file_named_after_that_day()
    {
        var path = _folder.File("stdout.log");
        var log = new ServiceLogFile(path, Daily, _time);
        Write(path, "sunday\n");
        Assert.False(log.Check());

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(log.Check());
        File.AppendAllText(path, "monday\n");
        Assert.False(log.Check());

        Assert.Equal("sunday\n", File.ReadAllText(path + ".2026-12-06"));
        Assert.Equal("monday\n", File.ReadAllText(path));
    }

    [Fact]
    public void A_file_last_written_on_an_earlier_day_is_filed_under_that_day_after_an_agent_restart()
    {
        var path = _folder.File("stderr.log");
        Write(path, "friday\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 12, 4, 18, 0, 0, DateTimeKind.Utc));

        Assert.True(new ServiceLogFile(path, Daily, _time).Check());

        Assert.Equal("friday\n", File.ReadAllText(path + ".2026-12-04"));
        Assert.Equal("", File.ReadAllText(path));
    }

    [Fact]
    public void A_second_roll_to_the_same_day_appends_instead_of_replacing()
    {
        var path = _folder.File("stdout.log");
        File.WriteAllText(path + ".2026-12-05", "earlier\n");
        Write(path, "later\n");
        File.SetLastWriteTimeUtc(path, new DateTime(2026, 12, 5, 20, 0, 0, DateTimeKind.Utc));

        new ServiceLogFile(path, Daily, _time).Check();

        Assert.Equal("earlier\nlater\n", File.ReadAllText(path + ".2026-12-05"));
    }

    [Fact]
    public void Dated_files_older_than_keep_days_are_deleted_at_the_roll_and_nothing_else_is()
    {
        var path = _folder.File("stdout.log");
        string[] kept = [path + ".2026-12-04", path + ".2026-12-05", path + ".1", path + ".notes", _folder.File("stderr.log.2026-11-01")];
        string[] expired = [path + ".2026-12-03", path + ".2025-01-01"];
        foreach (var file in kept.Concat(expired))
        {
            File.WriteAllText(file, "x");
        }

        var log = new ServiceLogFile(path, Daily, _time);
        Write(path, "sunday\n");
        log.Check();
        _time.Advance(TimeSpan.FromMinutes(2));
        log.Check();

        Assert.All(kept, file => Assert.True(File.Exists(file), file));
        Assert.All(expired, file => Assert.False(File.Exists(file), file));
        Assert.True(File.Exists(path + ".2026-12-06"));
    }

    [Fact]
    public void Without_roll_daily_a_new_day_changes_nothing_and_size_rotation_still_applies()
    {
        var path = _folder.File("stdout.log");
        var log = new ServiceLogFile(path, new ServiceLogSettings { MaxFileBytes = 10, MaxFiles = 2 }, _time);
        Write(path, "sunday\n");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.False(log.Check());
        File.AppendAllText(path, "monday, a longer line\n");
        Assert.True(log.Check());

        Assert.Equal("sunday\nmonday, a longer line\n", File.ReadAllText(path + ".1"));
        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.2026-*"));
    }

    [Fact]
    public void A_missing_or_empty_file_makes_no_dated_copy()
    {
        var path = _folder.File("stdout.log");
        var log = new ServiceLogFile(path, Daily, _time);
        log.Check();
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(log.Check());
        File.WriteAllText(path, "");
        _time.Advance(TimeSpan.FromDays(1));
        Assert.False(log.Check());

        Assert.Empty(Directory.EnumerateFiles(_folder.Path, "*.2026-*"));
    }

    [Theory]
    [InlineData("2026-12-03", 3, true)]
    [InlineData("2026-12-04", 3, false)]
    [InlineData("2026-12-05", 1, true)]
    [InlineData("2026-12-06", 1, false)]
    [InlineData("2026-13-01", 1, false)]
    [InlineData("20261201", 1, false)]
    public void Expiry_counts_whole_days_before_today(string suffix, int keepDays, bool expired)
    {
        var file = $"/logs/stdout.log.{suffix}";

        Assert.Equal(expired, ServiceLogFile.Expired([file], "/logs/stdout.log", new DateOnly(2026, 12, 7), keepDays).Any());
    }

    /// <summary>Writes the file as the service would, now by the fake clock.</summary>
    private void Write(string path, string text)
    {
        File.WriteAllText(path, text);
        File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
    }
}

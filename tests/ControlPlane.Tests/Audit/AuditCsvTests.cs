using Vigil.ControlPlane.Audit;
using Vigil.ControlPlane.Data.Audit;

namespace Vigil.ControlPlane.Tests.Audit;

public sealed class AuditCsvTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rlf", "\"cr\rlf\"")]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+SUM(A1)", "'+SUM(A1)")]
    [InlineData("-2", "'-2")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("\tx", "'\tx")]
    [InlineData("=HYPERLINK(\"http://x\",\"a,b\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"a,b\"\")\"")]
    [InlineData("a=b", "a=b")]
    [InlineData("'quoted", "'quoted")]
    public void Fields_are_quoted_per_RFC_4180_and_formulas_are_defused(string? value, string expected) =>
        Assert.Equal(expected, AuditCsv.Field(value));

    [Fact]
    public void A_row_joins_fields_with_commas_and_ends_with_CRLF() =>
        Assert.Equal("a,,\"b,c\",'=x\r\n", AuditCsv.Row(["a", null, "b,c", "=x"]));

    [Fact]
    public async Task The_export_has_a_header_and_one_record_per_entry_with_UTC_times()
    {
        var entries = new[]
        {
            new AuditEntry
            {
                At = new DateTimeOffset(2026, 11, 23, 9, 30, 15, 123, TimeSpan.FromHours(2)), Actor = "alice", Action = "CreateUser",
                Target = "/api/v1/users", SourceAddress = "10.0.0.7", Outcome = "Succeeded", Detail = "user bob, role Viewer",
            },
            new AuditEntry { At = new DateTimeOffset(2026, 11, 23, 7, 0, 0, TimeSpan.Zero), Actor = "=evil()", Action = "login", Outcome = "Denied" },
        };
        using var writer = new StringWriter();

        await AuditCsv.WriteAsync(writer, entries.ToAsyncEnumerable(), TestContext.Current.CancellationToken);

        Assert.Equal(
            "at,actor,action,target,sourceAddress,outcome,detail\r\n"
            + "2026-11-23T07:30:15.123Z,alice,CreateUser,/api/v1/users,10.0.0.7,Succeeded,\"user bob, role Viewer\"\r\n"
            + "2026-11-23T07:00:00.000Z,'=evil(),login,,,Denied,\r\n",
            writer.ToString());
    }
}

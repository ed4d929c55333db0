using Microsoft.SqlServer.TransactSql.ScriptDom;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>No SQL Server runs here, so the DBA's script is checked by the T-SQL parser of SQL Server's own tools.</summary>
public sealed class SqlServerScriptTests
{
    [Fact]
    public void The_committed_script_is_valid_T_SQL_for_SQL_Server_2022()
    {
        var script = CommittedScript.Read(DatabaseProvider.SqlServer);

        var parsed = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);

        Assert.True(
            errors.Count == 0,
            $"{CommittedScript.RelativePathOf(DatabaseProvider.SqlServer)} does not parse: " +
            string.Join("; ", errors.Select(e => $"line {e.Line}: {e.Message}")));
        Assert.NotEmpty(Assert.IsType<TSqlScript>(parsed).Batches);
    }
}

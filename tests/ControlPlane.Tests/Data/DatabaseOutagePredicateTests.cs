using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data;

namespace Vigil.ControlPlane.Tests.Data;

/// <summary>Which exceptions the control plane takes for a database that does not answer, on a read and on a write.</summary>
public sealed class DatabaseOutagePredicateTests
{
    public static TheoryData<Exception, bool, bool> Exceptions => new()
    {
        { new SqliteException("database is locked", 5), true, true },
        { new InvalidOperationException("The connection is closed."), true, true },
        { new TimeoutException(), true, true },
        { new DbUpdateException("An error occurred while saving the entity changes."), false, true },
        { new ArgumentException("not a database error"), false, false },
        { new OperationCanceledException(), false, false },
        { new IOException("a broken pipe is not the database"), false, false },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void A_read_and_a_write_take_these_for_an_outage(Exception exception, bool onRead, bool onWrite)
    {
        Assert.Equal(onRead, DatabaseOutage.Is(exception));
        Assert.Equal(onWrite, DatabaseOutage.IsOnWrite(exception));
    }
}

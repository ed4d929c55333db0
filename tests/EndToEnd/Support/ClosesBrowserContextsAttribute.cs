using System.Reflection;
using Xunit.v3;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>After each test, closes the browser contexts it opened, whether it passed or not.</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class ClosesBrowserContextsAttribute : BeforeAfterTestAttribute
{
    // The hook is synchronous; the closing runs off the test's synchronization context so it cannot
    // wait on itself, and a browser that does not answer holds the next test up for 10 s at most.
    public override void After(MethodInfo methodUnderTest, IXunitTest test) =>
        Task.Run(() => Browser.CloseContextsOfAsync(test.UniqueID)).Wait(TimeSpan.FromSeconds(10));
}

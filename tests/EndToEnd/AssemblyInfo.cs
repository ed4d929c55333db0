[assembly: AssemblyFixture(typeof(Vigil.EndToEnd.Tests.Support.Browser))]
[assembly: Vigil.EndToEnd.Tests.Support.ClosesBrowserContexts]

// Real processes and one browser. The scenarios that do not depend on timings run two at a time
// (most of their time is waiting on processes); those that do are in the Timing collection, which
// runs alone after them.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]

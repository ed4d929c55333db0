[assembly: AssemblyFixture(typeof(Vigil.EndToEnd.Tests.Support.Browser))]

// Real processes and one browser: run the scenarios one at a time so timings stay meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

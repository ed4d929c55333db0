namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// The scenarios whose outcome depends on timings (leases, fence allowances, restart delays, failover
/// waits): they run one at a time, after the others, on a machine with nothing else of the suite running.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "Timing";
}

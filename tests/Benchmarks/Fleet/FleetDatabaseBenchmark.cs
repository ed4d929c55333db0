namespace Vigil.Benchmarks.Fleet;

/// <summary>The <c>fleet-db</c> commands: generate a fleet's history, prune a day of it under writers, time the list endpoints.</summary>
public static class FleetDatabaseBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            return args switch
            {
                ["generate", .. var rest] => await FleetGenerator.RunAsync(FleetSettings.Parse(rest), cancel.Token),
                ["prune", .. var rest] => await PruneStall.RunAsync(FleetSettings.Parse(rest), rest, cancel.Token),
                ["lists", .. var rest] => await ListLatency.RunAsync(rest, cancel.Token),
                _ => Usage(),
            };
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException)
        {
            Console.Error.WriteLine(exception.Message);
            return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine(FleetSettings.Usage);
        return 2;
    }
}

using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Benchmarks.Simulator;

/// <summary>
/// The managed services one simulated agent reports at every heartbeat (sent as the agent sends them, see
/// <see cref="SimulatedAgent"/>), as a Windows server's agent would: real-looking names, kinds, accounts and reasons, per-process figures that move a little
/// every time, and now and then a service that fails its probe or restarts and comes back.
/// </summary>
public sealed class SimulatedServices
{
    private static readonly (string Name, string Kind, string Account)[] Catalogue =
    [
        ("W3SVC", "windows", "LocalSystem"),
        ("MSSQLSERVER", "windows", @"NT Service\MSSQLSERVER"),
        ("orders-api", "process", @"CONTOSO\svc-orders"),
        ("Spooler", "windows", "LocalSystem"),
        ("billing-worker", "process", @"CONTOSO\svc-billing"),
        ("RabbitMQ", "windows", "LocalSystem"),
        ("WinRM", "windows", @"NT AUTHORITY\NetworkService"),
        ("report-scheduler", "process", @"CONTOSO\svc-reports"),
        ("nginx", "process", "LocalSystem"),
        ("Redis", "windows", @"NT AUTHORITY\NetworkService"),
        ("elastic-agent", "windows", "LocalSystem"),
        ("payments-gateway", "process", @"CONTOSO\svc-payments"),
    ];

    private readonly Service[] _services;

    public SimulatedServices(int count)
    {
        _services = [.. Enumerable.Range(0, count).Select(i => new Service(Catalogue[i % Catalogue.Length], i / Catalogue.Length))];
    }

    /// <summary>The reports of this heartbeat; about one heartbeat in a thousand changes one service's state.</summary>
    public IReadOnlyList<ServiceReport> Next()
    {
        if (_services.Length > 0 && Random.Shared.Next(1000) == 0)
        {
            _services[Random.Shared.Next(_services.Length)].Disturb();
        }

        return [.. _services.Select(s => s.Report())];
    }

    private sealed class Service((string Name, string Kind, string Account) entry, int copy)
    {
        private readonly string _name = copy == 0 ? entry.Name : $"{entry.Name}-{copy + 1}";
        private readonly int _processId = Random.Shared.Next(400, 60_000);
        private readonly long _workingSet = Random.Shared.NextInt64(20L << 20, 900L << 20);
        private int _restarts;
        private int _troubledFor;

        public void Disturb()
        {
            _troubledFor = Random.Shared.Next(3, 15);
            _restarts++;
        }

        public ServiceReport Report()
        {
            var troubled = _troubledFor > 0;
            if (troubled)
            {
                _troubledFor--;
            }

            return new ServiceReport
            {
                Name = _name,
                Kind = entry.Kind,
                State = troubled ? ServiceState.StartPending : ServiceState.Running,
                Health = troubled ? ServiceHealth.Unhealthy : ServiceHealth.Healthy,
                Reason = troubled
                    ? $"probe http://127.0.0.1:8080/health failed 3 times in a row: connection refused (restart {_restarts} of 5 within 00:10:00)"
                    : "running; probe http://127.0.0.1:8080/health answered 200 OK in 4 ms",
                ProcessId = _processId,
                RestartCount = _restarts,
                CpuPercent = Math.Round(Random.Shared.NextDouble() * 12, 1),
                WorkingSetBytes = _workingSet + Random.Shared.NextInt64(0, 4L << 20),
                ThreadCount = 20 + Random.Shared.Next(0, 40),
                HandleCount = 300 + Random.Shared.Next(0, 700),
                StartType = "Automatic",
                Account = entry.Account,
            };
        }
    }
}

using Vigil.Agent.Events;
using Vigil.Agent.Supervision.Policy;
using Vigil.Agent.Supervision.Probes;
using Vigil.Shared.Messages;
using Vigil.Shared.Services;

namespace Vigil.Agent.Supervision;

/// <summary>
/// The probes of one service: when each is due, which are running, and their standing. Results of a
/// run that began before the service (re)started are discarded.
/// </summary>
internal sealed class ServiceProbes
{
    private readonly List<ProbeDefinition> _definitions;
    private readonly IProbe[] _probes;
    private readonly ProbeStatus[] _statuses;
    private readonly TimeSpan[] _due;
    private readonly Task<ProbeResult>?[] _running;
    private readonly int[] _runGeneration;
    private int _generation;

    public ServiceProbes(ManagedServiceDefinition definition, HttpClient http)
    {
        _definitions = definition.Probes;
        _probes = [.. _definitions.Select(p => ProbeFactory.Create(p, http))];
        _statuses = [.. _definitions.Select((p, i) => ProbeStatus.New(p.DisplayName(i)))];
        _due = new TimeSpan[_probes.Length];
        _running = new Task<ProbeResult>?[_probes.Length];
        _runGeneration = new int[_probes.Length];
    }

    public IReadOnlyList<ProbeStatus> Statuses => _statuses;

    public IEnumerable<Task> Running => _running.Where(t => t is not null)!;

    /// <summary>The service (re)started: every probe is unknown again and waits its initial delay.</summary>
    public void Reset(TimeSpan now)
    {
        _generation++;
        for (var i = 0; i < _probes.Length; i++)
        {
            _statuses[i] = ProbeStatus.New(_statuses[i].Name);
            _due[i] = now + _definitions[i].InitialDelay;
        }
    }

    /// <summary>Applies finished runs; returns a probe that has just turned Failing and asks for a restart.</summary>
    public ProbeStatus? Collect(TimeSpan now, bool inStartupGrace, AgentEvents events, string service)
    {
        ProbeStatus? restartFor = null;
        for (var i = 0; i < _probes.Length; i++)
        {
            if (_running[i] is not { IsCompleted: true } run)
            {
                continue;
            }

            _running[i] = null;
            _due[i] = now + _definitions[i].Interval;
            if (_runGeneration[i] != _generation || !run.IsCompletedSuccessfully)
            {
                continue;
            }

            var before = _statuses[i];
            var after = ProbeTracking.Apply(before, _definitions[i], run.Result.Success, run.Result.Detail, inStartupGrace);
            _statuses[i] = after;
            if (after.Verdict == ProbeVerdict.Failing && before.Verdict != ProbeVerdict.Failing)
            {
                events.Record(AgentEventKind.ProbeFailed, service, $"probe {after.Name} failing after {after.Failures} failure(s) in a row: {after.LastDetail}");
                restartFor ??= _definitions[i].RestartOnFailure ? after : null;
            }
            else if (after.Verdict == ProbeVerdict.Passing && before.Verdict == ProbeVerdict.Failing)
            {
                events.Record(AgentEventKind.ProbeRecovered, service, $"probe {after.Name} passing again: {after.LastDetail}");
            }
        }

        return restartFor;
    }

    /// <summary>Starts every probe that is due and not running.</summary>
    public void Launch(TimeSpan now, CancellationToken cancellationToken)
    {
        for (var i = 0; i < _probes.Length; i++)
        {
            if (_running[i] is null && now >= _due[i])
            {
                _runGeneration[i] = _generation;
                _running[i] = _probes[i].RunAsync(cancellationToken);
            }
        }
    }

    /// <summary>Time until the next probe is due, or null without idle probes.</summary>
    public TimeSpan? NextDue(TimeSpan now)
    {
        TimeSpan? next = null;
        for (var i = 0; i < _probes.Length; i++)
        {
            if (_running[i] is null)
            {
                var wait = _due[i] - now;
                next = next is null || wait < next ? wait : next;
            }
        }

        return next;
    }
}

#!/usr/bin/env bash
# Failover benchmark: a real control plane (Release, SQLite) and three real agents on this machine,
# each supervising the test service as `web` on its own port, in one failover group created with
# cooldownSeconds 0 and maxFailovers 100 (all else default). TRIALS trials each of: the active's
# service crashing beyond its local restart budget, the active's agent killed (kill -9), and a
# switchover. Prints detection and RTO (p50/p99/max) per scenario and any overlap.
#   tests/Benchmarks/run-failover.sh [TRIALS=20] [--scenarios crash,node-lost,switchover] [--output FILE]
#                                    [--node-lost-fresh-clusters] [--logs FOLDER] [--service test|fast]
#                                    [--profile standard|fast]
# FILE and FOLDER are relative to the repository root. --node-lost-fresh-clusters runs each node-lost
# trial on a cluster of its own instead of starting the killed agent again (for agents that cannot
# come back after a kill). --service fast runs tests/Benchmarks/Failover/fast-service.py (python3 -S,
# listening about 50 ms after its start) instead of the .NET test service (about 1 s), so the figures
# show Vigil's own share. --profile fast starts the control plane with Failover__Profile=Fast (lease
# 1.5 s, fence allowance 0.5 s) and the agents with a heartbeat every 0.5 s. Takes about 25 minutes
# for 20 trials on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=20
if [[ $# -gt 0 && "$1" != -* ]]; then
  trials="$1"
  shift
fi

dotnet build ControlPlane.sln -c Release --nologo -v quiet

# Every file of the run, and so every command line of its processes, is under $run: whatever is
# left after the benchmark (it ends all it started, but a kill -9 of it cannot) is found by it.
run="$(mktemp -d /tmp/vigil-failover.XXXXXX)"
cleanup() {
  local pid
  for pid in $(grep -lsaF -- "$run" /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3); do
    [[ "$pid" != "$$" ]] && kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

TMPDIR="$run" dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll failover --trials "$trials" "$@"

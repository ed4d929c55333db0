#!/usr/bin/env bash
# Dashboard liveness under load: starts a control plane (Release, SQLite, fresh data folder), AGENTS
# simulated agents heartbeating every second with 10 services each, then PAGES signed-in Chromium
# dashboards on a probe node's page: how long a change of the probe's service state takes to show in
# every page (p50/p99 over PAGES x CHANGES), and the control plane's CPU with and without the pages open.
#   tests/Benchmarks/run-dashboards.sh [AGENTS] [PAGES] [CHANGES]     (defaults 10000 20 40)
set -euo pipefail
cd "$(dirname "$0")/../.."
agents="${1:-10000}"
pages="${2:-20}"
changes="${3:-40}"
port="${VIGIL_BENCH_PORT:-5092}"
token="bench-token-0123456789abcdef"
password="bench-admin-password-0123456789"
data="$(mktemp -d /tmp/vigil-bench.XXXXXX)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ -x /usr/bin/chromium ] || { echo "Debian's chromium is needed: apt-get install chromium" >&2; exit 1; }

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
dotnet build tests/Benchmarks/Vigil.Benchmarks.csproj -c Release --nologo -v quiet

export Security__InitialAdminPassword="$password" RateLimits__LoginPerMinute=1000 RateLimits__ApiPerMinute=1000000
source tests/Benchmarks/controlplane.sh
server=""
simulator=""
cleanup() {
  if [ -n "$simulator" ]; then kill -TERM "$simulator" 2>/dev/null || true; wait "$simulator" 2>/dev/null || true; fi
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT
start_controlplane "$port" "$data" "$token" || { server="$CONTROLPLANE_PID"; exit 1; }
server="$CONTROLPLANE_PID"

ramp=$(( agents / 200 + 10 ))
if [ "$agents" -gt 0 ]; then
  dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll \
    --url "http://127.0.0.1:$port" --token "$token" --agents "$agents" --services 10 \
    --ramp "${ramp}s" --warmup 10s --duration 3600s > "$data/simulator.out" 2>&1 &
  simulator=$!
  echo "Simulator ramping $agents agents over ${ramp} s"
  sleep $(( ramp + 10 ))
fi

status=0
dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll dashboards \
  --url "http://127.0.0.1:$port" --token "$token" --password "$password" \
  --pages "$pages" --changes "$changes" --idle 20s --server-pid "$server" || status=$?
if [ -n "$simulator" ]; then
  kill -TERM "$simulator" 2>/dev/null || true; wait "$simulator" 2>/dev/null || true; simulator=""
  tail -n 25 "$data/simulator.out"
fi
exit $status

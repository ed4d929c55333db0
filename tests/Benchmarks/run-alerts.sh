#!/usr/bin/env bash
# Alert benchmark: starts a control plane (Release, SQLite, fresh data folder) on a loopback port,
# creates a webhook and an e-mail channel (receivers in the benchmark process) and a NodeSuspect rule,
# makes simulated agents fall silent one by one, then a whole set at once, and prints the latencies
# and the heartbeat acks of the other agents during the storm.
#   tests/Benchmarks/run-alerts.sh [--events 100] [--storm 1000] [--steady 1000]
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${VIGIL_BENCH_PORT:-5091}"
token="bench-token-0123456789abcdef"
data="$(mktemp -d /tmp/vigil-bench.XXXXXX)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
dotnet build tests/Benchmarks/Vigil.Benchmarks.csproj -c Release --nologo -v quiet

source tests/Benchmarks/controlplane.sh
server=""
trap 'if [ -n "$server" ]; then kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; fi; rm -rf "$data"' EXIT
start_controlplane "$port" "$data" "$token" || { server="$CONTROLPLANE_PID"; exit 1; }
server="$CONTROLPLANE_PID"

dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll alerts \
  --url "http://127.0.0.1:$port" --token "$token" --server-pid "$server" "$@"

#!/usr/bin/env bash
# Heartbeat benchmark: starts a control plane (Release, SQLite, fresh data folder) on a loopback
# port, runs the agent simulator against it, prints the figures and stops the control plane.
#   tests/Benchmarks/run-heartbeats.sh AGENTS [extra simulator options, e.g. --duration 60s --protocol json]
set -euo pipefail
cd "$(dirname "$0")/../.."
agents="${1:?usage: run-heartbeats.sh AGENTS [simulator options]}"
shift
port="${VIGIL_BENCH_PORT:-5090}"
token="bench-token-0123456789abcdef"
data="$(mktemp -d /tmp/vigil-bench.XXXXXX)"
# Each agent is one socket on both sides: raise the limit as far as this machine allows.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
dotnet build tests/Benchmarks/Vigil.Benchmarks.csproj -c Release --nologo -v quiet

source tests/Benchmarks/controlplane.sh
server=""
trap 'if [ -n "$server" ]; then kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; fi; rm -rf "$data"' EXIT
start_controlplane "$port" "$data" "$token" || { server="$CONTROLPLANE_PID"; exit 1; }
server="$CONTROLPLANE_PID"

dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll \
  --url "http://127.0.0.1:$port" --token "$token" --agents "$agents" --server-pid "$server" "$@"

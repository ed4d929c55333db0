#!/usr/bin/env bash
# The database under a fleet: generates a simulated week of a fleet's history (nodes, managed
# services, events, metric rollups, audit, alerts, commands, failover history) into a fresh database
# through the control plane's own model, prints its size per day and per table, times the REST list
# endpoints of a Release control plane started on it (sequential requests, Admin API key), then
# prunes the oldest day while the heartbeat-path writers run and prints their stalls.
#   tests/Benchmarks/run-fleet-database.sh sqlite|postgresql [NODES=10000] [DAYS=7] [MINUTE_HOURS=24] [REQUESTS=100]
# PostgreSQL runs in a throwaway cluster (initdb, pg_ctl) on 127.0.0.1 and a free port, fsync off, as
# the test suite's; run as root like ./test.sh. VIGIL_BENCH_KEEP=1 keeps the work folder; PRUNE_MINUTE_HOURS
# (default 2) is how many hours of minute rollups the prune deletes besides the oldest day. SQLite
# sizes per table need the sqlite3 shell (apt-get install sqlite3).
set -euo pipefail
cd "$(dirname "$0")/../.."
provider="${1:?sqlite or postgresql}"
nodes="${2:-10000}"
days="${3:-7}"
minute_hours="${4:-24}"
requests="${5:-100}"
port="${VIGIL_BENCH_PORT:-5093}"
token="bench-token-0123456789abcdef"
work="$(mktemp -d /tmp/vigil-fleetdb.XXXXXX)"
chmod 755 "$work"
bench="dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll fleet-db"

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
dotnet build tests/Benchmarks/Vigil.Benchmarks.csproj -c Release --nologo -v quiet

pg_bin=""
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -n "$pg_bin" ]; then su postgres -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true; fi
  if [ -n "${VIGIL_BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

if [ "$provider" = postgresql ]; then
  pg_bin="$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")"
  pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  install -d -o postgres "$work/pg" "$work/pg-run"
  su postgres -c "$pg_bin/initdb -D $work/pg -U postgres --auth=trust" >/dev/null
  su postgres -c "$pg_bin/pg_ctl -D $work/pg -l $work/pg-run/server.log -o '-p $pg_port -k $work/pg-run -c listen_addresses=127.0.0.1 -c fsync=off' -w start" >/dev/null
  "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE vigil"
  database="Host=127.0.0.1;Port=$pg_port;Database=vigil;Username=postgres"
  export Database__Provider=PostgreSql Database__ConnectionString="$database"
else
  database="$work/cp/vigil.db"
  mkdir -p "$work/cp"
fi

$bench generate --provider "$provider" --database "$database" --nodes "$nodes" --days "$days" --minute-hours "$minute_hours"
if [ "$provider" = sqlite ]; then
  echo "table | size with indexes (MB)"
  sqlite3 "$database" "SELECT m.tbl_name, ROUND(SUM(s.pgsize) / 1048576.0, 1) FROM dbstat s JOIN sqlite_master m ON m.name = s.name GROUP BY m.tbl_name ORDER BY 2 DESC LIMIT 12" | tr '|' ' '
fi

source tests/Benchmarks/controlplane.sh
export RateLimits__ApiPerMinute=1000000   # the timing asks faster than an operator
start_controlplane "$port" "$work/cp" "$token" || { server="$CONTROLPLANE_PID"; exit 1; }
server="$CONTROLPLANE_PID"
sleep 30   # the control plane marks the silent nodes Lost (10,000 liveness changes) before the timing starts
$bench lists --url "http://127.0.0.1:$port" --requests "$requests"
kill "$server"; wait "$server" 2>/dev/null || true; server=""

$bench prune --provider "$provider" --database "$database" --prune-minute-hours "${PRUNE_MINUTE_HOURS:-2}"

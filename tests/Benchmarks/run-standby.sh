#!/usr/bin/env bash
# Standby benchmark: a throwaway PostgreSQL cluster, two control planes on it (the second a standby,
# Decider:Standby=true, with the crash-tolerant settings of the operator guide), and three real agents
# that know both, each running the test service as a member of one failover group; optionally the
# agent simulator's SIMULATED agents (knowing both addresses, re-homing as the agent does) heartbeat
# throughout, and report how long they took to register again and their ack latency. Each trial takes the
# deciding instance away (a planned stop, SIGTERM, or a crash, kill -9, alternately), measures until
# the standby answers /readyz and until the member holds a lease from it again, then starts the one
# it took away again as the new standby. Trials are PACE seconds apart at least (default 6): an agent
# resets its reconnect backoff only after a session of 3 s, so losses closer together than that meet
# an agent still backing off from the last one. At the end: leases that lapsed and starts of the service
# (on any member) after the group was steady.
# With a fourth argument `redis`, both instances share a throwaway redis-server too (Redis:Configuration):
# the standby relays the agents that connect to it, and the simulated agents are spread over both addresses.
#   tests/Benchmarks/run-standby.sh [TRIALS] [PACE] [SIMULATED] [redis]   (default 10, 6, 0 and none; run as root, like ./test.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-10}"
pace="${2:-6}"
simulated="${3:-0}"
with_redis="${4:-}"
key="bench-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz"
token="bench-token-0123456789abcdef"
work="$(mktemp -d /tmp/vigil-standby.XXXXXX)"
chmod 755 "$work"
pg_bin="$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -1)")")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
now_ms() { date +%s%3N; }

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
dotnet build Agent/Vigil.Agent.csproj -c Release --nologo -v quiet
dotnet build tests/TestService/Vigil.TestService.csproj -c Release --nologo -v quiet
dotnet build tests/Benchmarks/Vigil.Benchmarks.csproj -c Release --nologo -v quiet
# Each simulated agent is one socket on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  su postgres -c "$pg_bin/pg_ctl -D $work/pg -m immediate stop" >/dev/null 2>&1 || true
  if [ -n "${VIGIL_BENCH_KEEP:-}" ]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

pg_port="$(free_port)"
install -d -o postgres "$work/pg" "$work/pg-run"
su postgres -c "$pg_bin/initdb -D $work/pg -U postgres --auth=trust" >/dev/null
su postgres -c "$pg_bin/pg_ctl -D $work/pg -l $work/pg-run/server.log -o '-p $pg_port -k $work/pg-run -c listen_addresses=127.0.0.1 -c fsync=off' -w start" >/dev/null
"$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE vigil"

redis_settings=()
spread=()
if [ "$with_redis" = redis ]; then
  redis_port="$(free_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >"$work/redis.out" 2>&1 &
  pids+=("$!")
  redis_settings=("Redis__Configuration=127.0.0.1:$redis_port")
  spread=(--spread)
  until redis-cli -p "$redis_port" ping >/dev/null 2>&1; do sleep 0.1; done
fi

ports=("$(free_port)" "$(free_port)")
start_instance() { # INDEX
  local i="$1"
  (
    cd ControlPlane/bin/Release/net10.0
    ASPNETCORE_URLS="http://127.0.0.1:${ports[$i]}" DataDirectory="$work/cp$i" Agents__EnrollmentToken="$token" \
      Security__InitialAdminApiKey="$key" RateLimits__EnrollmentPerMinute=1000000 Database__Provider=PostgreSql \
      Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Database=vigil;Username=postgres" \
      Decider__Standby=true Decider__LeaseDuration=00:00:03 Decider__RenewInterval=00:00:00.500 \
      Decider__StandbyCheckInterval=00:00:00.250 Decider__ClockSkewAllowance=00:00:00.500 Failover__Lease=00:00:08 \
      exec env "${redis_settings[@]}" dotnet Vigil.ControlPlane.dll >>"$work/cp$i.out" 2>&1
  ) &
  instance_pid[$i]=$!
  pids+=("$!")
}
ready() { curl -fsS -o /dev/null "http://127.0.0.1:${ports[$1]}/readyz" 2>/dev/null; }
api() { curl -fsS -H "X-API-Key: $key" "http://127.0.0.1:${ports[$1]}$2"; }
holds_lease() { api "$1" /api/v1/groups 2>/dev/null | grep -q '"holdsLease":true'; }
wait_for() { # WHAT TIMEOUT_S COMMAND...
  local what="$1" timeout="$2"; shift 2
  local deadline=$(( $(now_ms) + timeout * 1000 ))
  until "$@"; do
    if (( $(now_ms) > deadline )); then echo "timed out waiting for $what; logs in $work" >&2; VIGIL_BENCH_KEEP=1; exit 1; fi
    sleep 0.05
  done
}

declare -a instance_pid
start_instance 0
wait_for "the first instance" 60 ready 0
start_instance 1
wait_for "the standby" 60 grep -q "Standing by" "$work/cp1.out"

members=3
for n in $(seq 1 "$members"); do
  web_port="$(free_port)"
  mkdir -p "$work/agent$n"
  cat >"$work/agent$n.json" <<EOF
{ "Agent": { "Services": [ { "Name": "web", "Kind": "process", "Executable": "dotnet",
  "Arguments": ["$PWD/tests/TestService/bin/Release/net10.0/Vigil.TestService.dll", "--port", "$web_port", "--name", "web", "--state-file", "$work/web$n.state"] } ] } }
EOF
  (
    VIGIL_AGENT_CONFIG="$work/agent$n.json" Agent__ControlPlaneUrl="http://127.0.0.1:${ports[0]}" Agent__ControlPlaneUrls__0="http://127.0.0.1:${ports[1]}" \
      Agent__EnrollmentToken="$token" Agent__NodeName="bench-node-$n" Agent__DataDirectory="$work/agent$n/data" \
      exec dotnet Agent/bin/Release/net10.0/Vigil.Agent.dll >"$work/agent$n.out" 2>&1
  ) &
  pids+=("$!")
done
for n in $(seq 1 "$members"); do wait_for "agent $n" 60 grep -q "Registered with the control plane" "$work/agent$n.out"; done
group_members="$(api 0 /api/v1/nodes | python3 -c '
import json, sys
nodes = sorted(json.load(sys.stdin)["items"], key=lambda n: n["name"])
print(",".join(json.dumps({"nodeId": n["id"], "service": "web", "priority": i + 1}) for i, n in enumerate(nodes)))')"
curl -fsS -o /dev/null -H "X-API-Key: $key" -H "Content-Type: application/json" \
  -d "{\"name\":\"web\",\"members\":[$group_members]}" "http://127.0.0.1:${ports[0]}/api/v1/groups"
wait_for "the active member's lease" 60 holds_lease 0
wait_for "the service to run" 30 bash -c "tail -1 '$work/web1.state' | grep -q '^started'"
starts() { cat "$work"/web*.state 2>/dev/null | grep -c '^started' || true; }
starts_before="$(starts)"

simulator=""
if (( simulated > 0 )); then
  dotnet tests/Benchmarks/bin/Release/net10.0/Vigil.Benchmarks.dll --token "$token" --agents "$simulated" \
    --url "http://127.0.0.1:${ports[0]}" --url "http://127.0.0.1:${ports[1]}" --rehome "${spread[@]}" \
    --ramp 20s --warmup 5s --duration 3600s --output "$work/simulator.json" >"$work/simulator.out" 2>&1 &
  simulator=$!
  pids+=("$simulator")
  wait_for "the simulated agents to be measured" 120 grep -q "acks/s.*measuring$" "$work/simulator.out"
fi

deciding=0
takeovers=()
leased=()
for trial in $(seq 1 "$trials"); do
  other=$((1 - deciding))
  if (( trial % 2 )); then how=stop; signal=TERM; else how=kill; signal=KILL; fi
  (( trial == 1 )) || sleep "$pace"
  took_before="$(grep -c 'after standing by' "$work/cp$other.out" || true)"
  t0="$(now_ms)"
  kill "-$signal" "${instance_pid[$deciding]}"
  # A relaying standby forwards /readyz to the deciding instance: serving means it took the lease and answers itself.
  wait_for "the standby's takeover" 60 bash -c "[ \$(grep -c 'after standing by' '$work/cp$other.out') -gt $took_before ]"
  wait_for "the new deciding instance to serve" 60 ready "$other"
  t1="$(now_ms)"
  wait_for "a lease from the new deciding instance" 60 holds_lease "$other"
  t2="$(now_ms)"
  wait "${instance_pid[$deciding]}" 2>/dev/null || true
  takeovers+=("$how $((t1 - t0))")
  leased+=("$how $((t2 - t0))")
  printf 'trial %2d (%s): serving after %5d ms, member holds a lease after %5d ms\n' "$trial" "$how" "$((t1 - t0))" "$((t2 - t0))"
  standing_before="$(grep -c 'Standing by' "$work/cp$deciding.out" || true)"
  start_instance "$deciding"
  wait_for "the new standby" 60 bash -c "[ \$(grep -c 'Standing by' '$work/cp$deciding.out') -gt $standing_before ]"
  deciding="$other"
done

summary() { # HOW LABEL VALUES...
  local how="$1" label="$2"; shift 2
  printf '%s\n' "$@" | awk -v how="$how" '$1 == how { print $2 }' | sort -n | awk -v how="$how" -v label="$label" '
    { v[NR] = $1 } END { if (NR == 0) exit; p50 = v[int((NR + 1) / 2)]; p99 = v[NR]; printf "%-5s %-34s p50 %5d ms  max (p99 of %d) %5d ms\n", how, label, p50, NR, p99 }'
}
echo
summary stop "serving (took the lease, /readyz 200)" "${takeovers[@]}"
summary stop "active member holds a lease again" "${leased[@]}"
summary kill "serving (took the lease, /readyz 200)" "${takeovers[@]}"
summary kill "active member holds a lease again" "${leased[@]}"
echo "leases lapsed: $(cat "$work"/agent*.out | grep -c 'lapsed' || true); service starts on any member: $(( $(starts) - starts_before ))"
if [ -n "$simulator" ]; then
  kill -TERM "$simulator"
  wait "$simulator" 2>/dev/null || true
  sed -n '/^measured/,$p' "$work/simulator.out"
fi

#!/usr/bin/env bash
# Agent idle footprint: one real agent (Release) supervising N real process services (the test
# service), each with an HTTP probe every 2 s, heartbeating every 1 s to a control plane on a
# loopback port. After a warm-up it samples the agent's memory and CPU for the duration and
# prints RSS (min/avg/max, peak VmHWM, anonymous vs file-backed) and CPU % of one core.
#   tests/Benchmarks/run-agent-footprint.sh [SERVICES=10] [DURATION_SECONDS=300] [WARMUP_SECONDS=30] [--aot]
# --aot publishes and runs the native Linux build of the agent (Native AOT, linux-x64; needs clang)
# instead of the JIT build. VIGIL_AGENT_DIR runs the agent from another build folder (default
# Agent/bin/Release/net10.0, or with --aot Agent/bin/Release/net10.0/linux-x64/publish);
# VIGIL_BENCH_PORT moves the control plane (default 5091) and the services (the 100 ports above it).
set -euo pipefail
cd "$(dirname "$0")/../.."
aot=false
positional=()
for arg in "$@"; do
  if [ "$arg" = "--aot" ]; then aot=true; else positional+=("$arg"); fi
done
services="${positional[0]:-10}"
duration="${positional[1]:-300}"
warmup="${positional[2]:-30}"
port="${VIGIL_BENCH_PORT:-5091}"
token="bench-token-0123456789abcdef"
work="$(mktemp -d /tmp/vigil-footprint.XXXXXX)"

dotnet build ControlPlane/Vigil.ControlPlane.csproj -c Release --nologo -v quiet
if $aot; then
  dotnet publish Agent/Vigil.Agent.csproj -c Release -r linux-x64 -p:PublishAot=true --nologo -v quiet
  agent_dir="${VIGIL_AGENT_DIR:-Agent/bin/Release/net10.0/linux-x64/publish}"
  agent_command=(./Vigil.Agent)
  echo "Native agent: $(du -m "$agent_dir/Vigil.Agent" | cut -f1) MB ($(stat -c %s "$agent_dir/Vigil.Agent") bytes)"
else
  dotnet build Agent/Vigil.Agent.csproj -c Release --nologo -v quiet
  agent_dir="${VIGIL_AGENT_DIR:-Agent/bin/Release/net10.0}"
  agent_command=(dotnet Vigil.Agent.dll)
fi
dotnet build tests/TestService/Vigil.TestService.csproj -c Release --nologo -v quiet

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pkill -f -- "$work" 2>/dev/null || true   # the services outlive their agent by design (their state file is in $work)
  sleep 1
  rm -rf "$work"
}
trap cleanup EXIT

source tests/Benchmarks/controlplane.sh
start_controlplane "$port" "$work/cp" "$token" || { pids+=("$CONTROLPLANE_PID"); exit 1; }
pids+=("$CONTROLPLANE_PID")

testservice="$PWD/tests/TestService/bin/Release/net10.0/Vigil.TestService.dll"
base_port=$((port + 100))
{
  printf '{ "Agent": { "HeartbeatInterval": "00:00:01", "Services": [\n'
  for i in $(seq 1 "$services"); do
    svc_port=$((base_port + i))
    printf '  { "Name": "svc-%02d", "Kind": "process", "Executable": "dotnet", "Arguments": ["%s", "--port", "%d", "--name", "svc-%02d", "--state-file", "%s/svc-%02d.state"], "WorkingDirectory": "%s",\n' \
      "$i" "$testservice" "$svc_port" "$i" "$work" "$i" "$work"
    printf '    "Probes": [ { "Kind": "http", "Url": "http://127.0.0.1:%d/health", "Interval": "00:00:02", "Timeout": "00:00:01" } ] }%s\n' \
      "$svc_port" "$([ "$i" -lt "$services" ] && echo , || true)"
  done
  printf '] } }\n'
} >"$work/agent.json"

(
  cd "$agent_dir"
  Agent__ControlPlaneUrl="http://127.0.0.1:$port" Agent__EnrollmentToken="$token" Agent__NodeName=footprint \
    Agent__DataDirectory="$work/agent" exec "${agent_command[@]}" --config "$work/agent.json" >"$work/agent.out" 2>&1
) &
agent=$!
pids+=($agent)

echo "Agent pid $agent with $services process services; warming up ${warmup} s..."
sleep "$warmup"
healthy=$(curl -fsS -H "X-API-Key: ${BENCH_API_KEY:-bench-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz}" \
  "http://127.0.0.1:$port/api/v1/nodes" | grep -o '"health":"Healthy"' | wc -l)
echo "Healthy services reported to the control plane: $healthy of $services"

ticks=$(getconf CLK_TCK)
cpu_of() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
field() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$agent/status"; }
start_cpu=$(cpu_of); start_time=$(date +%s.%N); load_start=$(cut -d' ' -f1 /proc/loadavg)
samples=0; sum=0; min=""; max=0; anon_sum=0; file_sum=0
end=$(( $(date +%s) + duration ))
while [ "$(date +%s)" -lt "$end" ]; do
  sleep 5
  rss=$(field VmRSS); anon=$(field RssAnon); file=$(field RssFile)
  samples=$((samples + 1)); sum=$((sum + rss)); anon_sum=$((anon_sum + anon)); file_sum=$((file_sum + file))
  [ -z "$min" ] || [ "$rss" -lt "$min" ] && min=$rss
  [ "$rss" -gt "$max" ] && max=$rss
done
end_cpu=$(cpu_of); end_time=$(date +%s.%N); load_end=$(cut -d' ' -f1 /proc/loadavg)
hwm=$(field VmHWM); threads=$(field Threads)
# Proportional and private memory: RSS counts the runtime's shared files in full.
pss=$(awk '$1 == "Pss:" {print $2}' "/proc/$agent/smaps_rollup")
private=$(awk '$1 == "Private_Clean:" || $1 == "Private_Dirty:" {sum += $2} END {print sum}' "/proc/$agent/smaps_rollup")

awk -v s="$samples" -v sum="$sum" -v min="$min" -v max="$max" -v hwm="$hwm" -v anon="$anon_sum" -v file="$file_sum" \
    -v pss="$pss" -v private="$private" -v c0="$start_cpu" -v c1="$end_cpu" -v t0="$start_time" -v t1="$end_time" -v hz="$ticks" -v th="$threads" -v n="$services" \
    -v build="$($aot && echo native || echo JIT)" -v l0="$load_start" -v l1="$load_end" 'BEGIN {
  printf "Agent footprint (%s build), %d process services, %d samples over %.0f s\n", build, n, s, t1 - t0
  printf "  RSS MB: min %.1f  avg %.1f  max %.1f  peak (VmHWM) %.1f\n", min/1024, sum/s/1024, max/1024, hwm/1024
  printf "  RSS avg split MB: anonymous %.1f  file-backed %.1f\n", anon/s/1024, file/s/1024
  printf "  at the end, MB: PSS %.1f  private (unshared) %.1f\n", pss/1024, private/1024
  printf "  CPU: %.2f %% of one core (%.1f s of CPU)\n", 100 * (c1 - c0) / hz / (t1 - t0), (c1 - c0) / hz
  printf "  threads: %d\n", th
  printf "  machine load average (1 min): %s at the start, %s at the end\n", l0, l1
}'

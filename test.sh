#!/usr/bin/env bash
# Installs what the tests need when it is missing (PostgreSQL server, Redis, Chromium, Wine, wixl and msitools, nginx, Node.js for
# the OpenAPI linter, iproute2 for the partition tests in network namespaces, clang for the native Linux agent: Debian packages), builds the solution and the Windows agent, and runs every test. Test servers (PostgreSQL clusters, Redis servers, the control plane,
# agents, Chromium) are started by the tests themselves on loopback ports and stopped after them.
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is required: https://dotnet.microsoft.com/download" >&2
  exit 1
fi

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)   # network namespaces for the partition tests
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
{ command -v wine >/dev/null 2>&1 && command -v wineserver >/dev/null 2>&1; } || missing+=(wine wine64)
command -v wixl >/dev/null 2>&1 || missing+=(wixl)
command -v msiinfo >/dev/null 2>&1 || missing+=(msitools)
[ -x /usr/sbin/nginx ] || missing+=(nginx)   # the reverse-proxy example in front of two control planes
command -v clang >/dev/null 2>&1 || missing+=(clang)   # links the native (Native AOT) Linux agent
if ! command -v initdb >/dev/null 2>&1 && ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  missing+=(postgresql)
fi
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)   # Redis between control planes
if ((${#missing[@]})); then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${missing[*]}. Run as root, or first: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "Installing ${missing[*]}..."
  # The packages' own servers are not started (nginx's default site would listen on every address):
  # the tests start what they need, on loopback.
  no_start=/usr/sbin/policy-rc.d
  added_no_start=false
  if [ ! -e "$no_start" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$no_start"
    chmod +x "$no_start"
    added_no_start=true
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  if $added_no_start; then rm -f "$no_start"; fi
fi

# Everything the tests create goes under one folder, removed at the end whatever happens.
run_dir="$(mktemp -d /tmp/vigil-test-run.XXXXXX)"
chmod 755 "$run_dir"   # PostgreSQL runs as its own user and must reach its data folder inside.
cleanup() {
  pkill -f -- "-D $run_dir" 2>/dev/null || true
  for prefix in "$run_dir"/vigil-tests/wine-*/prefix; do
    [ -d "$prefix" ] && WINEPREFIX="$prefix" wineserver -k 2>/dev/null || true
  done
  rm -rf "$run_dir"
}
trap cleanup EXIT
export TMPDIR="$run_dir"

# The OpenAPI linter the tests run on the control plane's document, pinned by tests/openapi-lint/package-lock.json.
if [ ! -d tests/openapi-lint/node_modules ]; then
  (cd tests/openapi-lint && npm ci --no-audit --no-fund --loglevel=error)
fi

# The repository's .NET tools (PowerShell, which checks the Windows install script).
dotnet tool restore >/dev/null
dotnet build ControlPlane.sln -c Release --nologo -v quiet

# The Windows agent as shipped: one self-contained win-x64 file (built, not run: Wine cannot load a
# single-file .NET program). The Windows tests run folder builds of the agent and the test service,
# and the agent's MSI built from the folder build.
win="$run_dir/win-x64"
dotnet publish Agent/Vigil.Agent.csproj -c Release -r win-x64 --self-contained -p:PublishSingleFile=true \
  -o "$win/agent-single-file" --nologo -v quiet
test -s "$win/agent-single-file/Vigil.Agent.exe"
dotnet publish Agent/Vigil.Agent.csproj -c Release -r win-x64 --self-contained -o "$win/agent" --nologo -v quiet
# The agent's MSI, from the folder build (the Wine tests install, upgrade and remove it).
deploy/msi/build.sh "$win/agent" "$win/vigil-agent.msi"
dotnet publish tests/TestService/Vigil.TestService.csproj -c Release -r win-x64 --self-contained -o "$win/testservice" --nologo -v quiet
export VIGIL_WIN_X64_PUBLISH="$win"
# The unit and integration assemblies run side by side; the end-to-end tests (real control planes,
# agents, Chromium, Wine) then run on their own, so that their timings do not depend on the load of
# the other assemblies on a two-core machine (inside, two scenarios at a time, then those that depend
# on timings one at a time: see tests/EndToEnd/AssemblyInfo.cs). Both phases run even when the first fails.
status=0
output="$run_dir/test-output.log"
dotnet test tests/WithoutEndToEnd.slnf -c Release --no-build --nologo \
  --blame-hang-timeout 10m \
  --logger "console;verbosity=normal" \
  --results-directory "$run_dir/results" 2>&1 | tee "$output" || status=$?
dotnet test tests/EndToEnd/Vigil.EndToEnd.Tests.csproj -c Release --no-build --nologo \
  --blame-hang-timeout 10m \
  --logger "console;verbosity=normal" \
  --results-directory "$run_dir/results" 2>&1 | tee -a "$output" || status=$?

# The native Linux agent (Native AOT, linux-x64): published, then a few end-to-end tests run with it
# instead of the JIT agent: it enrols and heartbeats, heals a crashed service, takes part in a
# failover, and carries out operator commands.
native="$run_dir/linux-x64-native"
native_tests="FullyQualifiedName~An_enrolled_agent_comes_back_after_a_restart_without_the_token_and_no_secret_is_logged"
native_tests+="|FullyQualifiedName~A_crashed_service_is_restarted_after_the_initial_delay_then_after_a_doubled_one"
native_tests+="|FullyQualifiedName~When_the_active_agent_is_killed_its_service_dies_with_it_and_the_standby_runs_it_after_the_lease"
native_tests+="|FullyQualifiedName~Stop_holds_the_service_stopped_pause_and_continue_suspend_it_and_start_brings_back_a_service_that_gave_up"
if dotnet publish Agent/Vigil.Agent.csproj -c Release -r linux-x64 -p:PublishAot=true -o "$native" --nologo -v quiet; then
  VIGIL_AGENT_NATIVE="$native/Vigil.Agent" dotnet test tests/EndToEnd/Vigil.EndToEnd.Tests.csproj -c Release --no-build --nologo \
    --blame-hang-timeout 10m \
    --filter "$native_tests" \
    --logger "console;verbosity=normal" \
    --results-directory "$run_dir/results-native" 2>&1 | tee -a "$output" || status=$?
else
  echo "The native Linux agent did not publish." >&2
  status=1
fi

# The failures again at the end, where a long log is read first.
if grep -qE '^\s+Failed [A-Za-z]' "$output"; then
  echo "Failed tests:"
  grep -E -A3 '^\s+Failed [A-Za-z]' "$output"
fi
exit "$status"

#!/usr/bin/env bash
# Starts Vigil on this machine: the control plane on http://127.0.0.1:5080 with an embedded SQLite
# database, and one local agent so the dashboard shows a live node at once. Ctrl+C stops both.
#
#   ./start.sh reset-admin-password [USER]
# sets a new one-time password for an admin (default: admin) who lost theirs, and unlocks it.
#
# Environment (all optional):
#   VIGIL_HOME        where data, logs and the build go (default: ./.vigil)
#   VIGIL_URL         address of the control plane (default: http://127.0.0.1:5080)
#   VIGIL_NO_AGENT=1  start the control plane only
set -euo pipefail

cd "$(dirname "$0")"
home="${VIGIL_HOME:-$PWD/.vigil}"
url="${VIGIL_URL:-http://127.0.0.1:5080}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET SDK 10 is required: https://dotnet.microsoft.com/download (then run ./start.sh again)." >&2
  exit 1
fi

mkdir -p "$home"
token_file="$home/enrollment-token"
if [ ! -s "$token_file" ]; then
  head -c 32 /dev/urandom | base64 | tr -d '/+=\n' > "$token_file"
  chmod 600 "$token_file"
fi
token="$(cat "$token_file")"

echo "Building Vigil (Release)..."
dotnet publish ControlPlane/Vigil.ControlPlane.csproj -c Release -o "$home/controlplane" --nologo -v quiet
dotnet publish Agent/Vigil.Agent.csproj -c Release -o "$home/agent" --nologo -v quiet

if [ "${1:-}" = reset-admin-password ]; then
  cd "$home/controlplane"
  DataDirectory="$home/data" exec dotnet Vigil.ControlPlane.dll "$@"
fi

# Readiness without curl (not on every fresh Debian): a plain HTTP request over bash's /dev/tcp.
hostport="${url#*://}"; hostport="${hostport%%/*}"
ready() {
  local reply
  { exec 3<>"/dev/tcp/${hostport%%:*}/${hostport##*:}"; } 2>/dev/null || return 1
  printf 'GET /readyz HTTP/1.0\r\nHost: %s\r\n\r\n' "$hostport" >&3
  IFS= read -r -t 5 reply <&3 || true
  exec 3>&- 3<&-
  [[ "$reply" == *" 200 "* ]]
}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

(
  cd "$home/controlplane"
  ASPNETCORE_URLS="$url" DataDirectory="$home/data" Agents__EnrollmentToken="$token" \
    exec dotnet Vigil.ControlPlane.dll
) &
pids+=($!)

for _ in $(seq 1 120); do
  if ready; then break; fi
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "The control plane did not start; see the messages above." >&2; exit 1; fi
  sleep 0.5
done
ready || { echo "The control plane is not ready after 60 s." >&2; exit 1; }

if [ "${VIGIL_NO_AGENT:-}" != "1" ]; then
  (
    cd "$home/agent"
    Agent__ControlPlaneUrl="$url" Agent__EnrollmentToken="$token" Agent__DataDirectory="$home/agent-data" \
      exec dotnet Vigil.Agent.dll
  ) &
  pids+=($!)
fi

cat <<MSG

  Vigil is running.
    Dashboard:        $url/   (user admin; at the first start its one-time password is printed above)
    REST API:         $url/api/v1/nodes   (interactive page: $url/scalar/v1)
    Enrollment token: $token_file (agents on other machines need it)
  Press Ctrl+C to stop.

MSG
wait -n "${pids[@]}"

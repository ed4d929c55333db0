# Sourced by the benchmark scripts: starts the Release control plane (SQLite in DATA_DIR) on a
# loopback port, quietly, and waits until it is ready. Sets CONTROLPLANE_PID. TOKEN is a standing
# enrollment token; the enrolment rate limit is raised so that thousands of simulated agents can enrol
# from one address (ENROLLMENT_PER_MINUTE, default 1000000). The simulator reads the API with the
# Admin key BENCH_API_KEY (the same default as ControlPlaneView.ApiKey).
#   start_controlplane PORT DATA_DIR TOKEN
start_controlplane() {
  local port="$1" data="$2" token="$3"
  mkdir -p "$data"
  (
    cd ControlPlane/bin/Release/net10.0
    ASPNETCORE_URLS="http://127.0.0.1:$port" DataDirectory="$data" Agents__EnrollmentToken="$token" \
      RateLimits__EnrollmentPerMinute="${ENROLLMENT_PER_MINUTE:-1000000}" \
      Security__InitialAdminApiKey="${BENCH_API_KEY:-bench-admin-api-key-0123456789abcdefghijklmnopqrstuvwxyz}" Serilog__MinimumLevel__Default=Warning exec dotnet Vigil.ControlPlane.dll >"$data/controlplane.out" 2>&1
  ) &
  CONTROLPLANE_PID=$!
  for _ in $(seq 1 120); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "The control plane did not become ready on port $port; see $data/controlplane.out" >&2
  return 1
}

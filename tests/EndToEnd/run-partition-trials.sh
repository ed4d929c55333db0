#!/usr/bin/env bash
# Partition benchmark: runs the end-to-end test that cuts the active member off in network namespaces
# TRIALS times (one cluster of two real agents and a real control plane; each trial cuts the member
# that is active then, waits for the other to answer, heals) and prints, over the trials, how long
# the isolated member's service still answered after the cut, when the other member answered, and
# the margin between the two (min/p50/p99/max, ms; the smallest margin is the one safety rests on).
# Needs root (network namespaces) and iproute2.
#   tests/EndToEnd/run-partition-trials.sh [TRIALS=20]
set -euo pipefail
cd "$(dirname "$0")/../.."
trials="${1:-20}"

dotnet build tests/EndToEnd -c Release --nologo -v quiet
log="$(mktemp /tmp/vigil-partition-trials.XXXXXX)"
trap 'rm -f "$log"' EXIT
VIGIL_PARTITION_TRIALS="$trials" dotnet test tests/EndToEnd -c Release --no-build --nologo \
  --filter "FullyQualifiedName~NamespacePartitionTests.How_long_an_isolated_active" \
  --logger "console;verbosity=detailed" >"$log" 2>&1 || { cat "$log"; exit 1; }
grep -q "Passed Vigil" "$log" || { cat "$log"; echo "The test was skipped or did not pass." >&2; exit 1; }

# Lines: "partition: the isolated service answered 2442 ms after the cut; node2 answered 4115 ms after it"
summary() {
  # Nearest rank: the smallest sample with at least p of the samples at or below it.
  sort -n | awk -v what="$1" 'function rank(p,  r) { r = int(NR * p); return r < NR * p ? r + 1 : r }
    { v[NR] = $1 } END {
    if (NR == 0) { print what ": no samples"; exit }
    p50 = v[rank(0.50)]; p99 = v[rank(0.99)]
    printf "%-54s n=%d  min %d ms  p50 %d ms  p99 %d ms  max %d ms\n", what, NR, v[1], p50, p99, v[NR] }'
}
grep -o "the isolated service answered [0-9]* ms" "$log" | awk '{ print $5 }' | summary "isolated service answered after the cut"
grep -o "node[0-9] answered [0-9]* ms after it" "$log" | awk '{ print $3 }' | summary "another member answered after the cut"
grep -o "answered [0-9]* ms after the cut; node[0-9] answered [0-9]* ms" "$log" | awk '{ print $9 - $2 }' | summary "margin: the other answered after the isolated stopped"

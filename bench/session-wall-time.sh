#!/usr/bin/env bash
# Wall time of whole sessions on a repository with the embedded defaults: `gantry run` (architect,
# plan, validate, to AWAITING_APPROVAL) and `gantry approve` (deploy dry run, report), each a fresh
# JVM that starts DynamoDB Local and s3proxy, as a user runs them. Prints every run and the median.
#
#   bench/session-wall-time.sh [RUNS] [REPO]      (defaults: 5 runs, this repository)
# Build first: mvn -B -DskipTests -pl local -am package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
repo="${2:-$here}"
export GANTRY_HOME="$(mktemp -d)"
trap 'rm -rf "$GANTRY_HOME"' EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

run_times=(); approve_times=(); total_times=()
for i in $(seq 1 "$runs"); do
  t0=$(now)
  out="$("$here/gantry" run --repo "$repo" --goal "Serve this repository's API on AWS")"
  t1=$(now)
  id="$(printf '%s\n' "$out" | sed -n 's/^session \([0-9a-f-]\{36\}\): AWAITING_APPROVAL.*/\1/p')"
  [ -n "$id" ] || { printf '%s\n' "$out"; echo "bench: the session did not reach AWAITING_APPROVAL" >&2; exit 1; }
  "$here/gantry" approve "$id" | grep -q ": SUCCEEDED" || { echo "bench: approve did not succeed" >&2; exit 1; }
  t2=$(now)
  r=$(awk "BEGIN{print $t1 - $t0}"); a=$(awk "BEGIN{print $t2 - $t1}"); t=$(awk "BEGIN{print $t2 - $t0}")
  run_times+=("$r"); approve_times+=("$a"); total_times+=("$t")
  printf 'run %d: gantry run %.2f s, gantry approve %.2f s, whole session %.2f s\n' "$i" "$r" "$a" "$t"
done
printf 'median of %d: gantry run %.2f s, gantry approve %.2f s, whole session %.2f s\n' "$runs" \
  "$(printf '%s\n' "${run_times[@]}" | median)" "$(printf '%s\n' "${approve_times[@]}" | median)" \
  "$(printf '%s\n' "${total_times[@]}" | median)"

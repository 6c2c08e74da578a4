#!/usr/bin/env bash
# Start-up of the gantry command: `gantry sessions`, `gantry show ID` and `gantry agents` on a
# GANTRY_HOME holding a few sessions, each a fresh JVM as a user runs it, timed in the same run and
# interleaved (before, after, after, before, ...), old against new. Prints every run, then each
# command's median wall time and the ratio new/old.
#
#   bench/local-start.sh [RUNS]                   (default 5 runs)
#
# new: ./gantry (the engines a verb declares, the class-data archive local/target/gantry.jsa).
# old: by default the same build without the archive (GANTRY_CDS=off); with GANTRY_BASELINE=DIR,
#      a build of the earlier code copied aside (DIR holds its gantry-local-*.jar and lib/), started
#      as the earlier launcher did: java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp 'JAR:lib/*'.
# GANTRY_BENCH_HOME=DIR reuses a GANTRY_HOME (left in place) instead of running 3 sessions first.
# Build first: mvn -B -DskipTests -pl local -am package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
baseline="${GANTRY_BASELINE:-}"

if [ -n "${GANTRY_BENCH_HOME:-}" ]; then
  export GANTRY_HOME="$GANTRY_BENCH_HOME"
else
  export GANTRY_HOME="$(mktemp -d)"
  repo="$(mktemp -d)"
  trap 'rm -rf "$GANTRY_HOME" "$repo"' EXIT
  printf '# orders\nA small service.\n' > "$repo/README.md"
  for i in 1 2 3; do
    "$here/gantry" run --repo "$repo" --goal "A REST API for orders, take $i" > /dev/null
  done
fi
id="$("$here/gantry" sessions | awk 'NR == 2 {print $1}')"
[ -n "$id" ] || { echo "bench: no session in $GANTRY_HOME" >&2; exit 1; }

old() {
  if [ -n "$baseline" ]; then
    java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dgantry.agents="$here/agents" \
      -cp "$(ls "$baseline"/gantry-local-*.jar | head -n 1):$baseline/lib/*" dev.gantry.local.GantryCommand "$@"
  else
    GANTRY_CDS=off "$here/gantry" "$@"
  fi
}
new() { "$here/gantry" "$@"; }

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# seconds VARIANT COMMAND...: runs it (output discarded, exit 0 or 1 expected) and prints its wall time
seconds() {
  local variant="$1"; shift
  local t0 t1
  t0=$(now)
  "$variant" "$@" > /dev/null 2>&1 || [ $? -eq 1 ] || { echo "bench: $variant gantry $* failed" >&2; exit 1; }
  t1=$(now)
  awk "BEGIN{printf \"%.3f\", $t1 - $t0}"
}

commands=("sessions" "show $id" "agents")
declare -A times
echo "GANTRY_HOME $GANTRY_HOME; old: ${baseline:-this build with GANTRY_CDS=off}; java: $(java -version 2>&1 | sed -n 1p)"
for i in $(seq 1 "$runs"); do
  for c in "${commands[@]}"; do
    # alternate which goes first, so neither always runs on a cache the other warmed
    if [ $((i % 2)) -eq 1 ]; then order=(old new); else order=(new old); fi
    for v in "${order[@]}"; do
      # shellcheck disable=SC2086 # the command's words
      t=$(seconds "$v" $c)
      times["$v/$c"]="${times["$v/$c"]:-} $t"
      printf 'run %d: %-3s gantry %-8s %6.2f s\n' "$i" "$v" "${c%% *}" "$t"
    done
  done
done
for c in "${commands[@]}"; do
  o=$(printf '%s\n' ${times["old/$c"]} | median)
  n=$(printf '%s\n' ${times["new/$c"]} | median)
  printf 'median of %d: gantry %-8s old %6.2f s  new %6.2f s  new/old %.2f\n' "$runs" "${c%% *}" "$o" "$n" \
    "$(awk "BEGIN{print $n / $o}")"
done

#!/usr/bin/env bash
# Orchestration overhead of whole sessions whose model calls take DELAY seconds each: Gantry runs
# with GANTRY_MODEL_PROVIDER=bedrock against a loopback Converse stub (bench/ConverseStub.java) that
# gives the offline model's answers in Converse's wire format after DELAY seconds. A session is
# `gantry run` (to AWAITING_APPROVAL) then `gantry approve`, each a fresh JVM, as a user runs them.
# Prints per run: wall time, model calls, time inside model calls (the union of the intervals during
# which at least one call was in flight, as the stub saw them), overhead = (wall - in calls) / wall,
# where the rest of the time went per stage; then the medians, and `uptime` before and after. First,
# the wall time of `gantry sessions`, what any command pays for start-up and exit.
#
#   bench/orchestration-overhead.sh [DELAY_SECONDS] [RUNS] [REPO]   (defaults: 20 s, 3 runs, this repository)
# Build first: mvn -B -DskipTests -pl lambdas,local package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
delay="${1:-20}"
runs="${2:-3}"
repo="${3:-$here}"
jar="$(ls "$here"/local/target/gantry-local-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)"
[ -n "$jar" ] || { echo "bench: build first: mvn -B -DskipTests -pl lambdas,local package" >&2; exit 2; }
cp="$jar:$here/local/target/lib/*"

work="$(mktemp -d "${TMPDIR:-/tmp}/gantry-overhead.XXXXXX")"
stub_pid=""
# the stub's log, the runs' times and sessions stay in $work when something failed
cleanup() {
  status=$?
  [ -z "$stub_pid" ] || kill "$stub_pid" 2>/dev/null || true
  if [ "$status" -eq 0 ]; then rm -rf "$work"; else echo "bench: data kept in $work" >&2; fi
}
trap cleanup EXIT

echo "uptime at start: $(uptime)"
java -cp "$cp" "$here/bench/ConverseStub.java" "$delay" "$work/port" "$work/calls.tsv" 2>"$work/stub.err" &
stub_pid=$!
for _ in $(seq 1 600); do [ -s "$work/port" ] || ! kill -0 "$stub_pid" 2>/dev/null && break; sleep 0.1; done
[ -s "$work/port" ] || { cat "$work/stub.err" >&2; echo "bench: the Converse stub did not start" >&2; exit 1; }

export GANTRY_MODEL_PROVIDER=bedrock
export AWS_ENDPOINT_URL_BEDROCK_RUNTIME="http://127.0.0.1:$(cat "$work/port")"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
unset AWS_SESSION_TOKEN AWS_PROFILE GANTRY_MODEL_ID || true

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# what any command pays before and after its work: a fresh JVM, the embedded engines, their checks
t=$(now_ms); GANTRY_HOME="$work/home-0" "$here/gantry" sessions >/dev/null; t=$(( $(now_ms) - t ))
printf 'a command that does no work (gantry sessions, the first in a fresh GANTRY_HOME): %d.%02d s\n' $((t / 1000)) $((t % 1000 / 10))
for i in $(seq 1 "$runs"); do
  # a fresh home per run: against the stack a previous run deployed, the change set is empty and the
  # session ends without an approval gate
  export GANTRY_HOME="$work/home-$i"
  t0=$(now_ms)
  out="$("$here/gantry" run --repo "$repo" --goal "Serve this repository's API on AWS" 2>&1)" || true
  t1=$(now_ms)
  id="$(printf '%s\n' "$out" | sed -n 's/^session \([0-9a-f-]\{36\}\): AWAITING_APPROVAL.*/\1/p')"
  [ -n "$id" ] || { printf '%s\n' "$out"; cat "$work/stub.err" >&2; echo "bench: the session did not reach AWAITING_APPROVAL" >&2; exit 1; }
  out="$("$here/gantry" approve "$id" 2>&1)" || true
  t2=$(now_ms)
  printf '%s\n' "$out" | grep -q ": SUCCEEDED" || { printf '%s\n' "$out"; cat "$work/stub.err" >&2; echo "bench: approve did not succeed" >&2; exit 1; }
  "$here/gantry" show --json "$id" >"$work/show-$i.json"
  printf '%s\t%s\t%s\t%s\t%s\n' "$i" "$id" "$t0" "$t1" "$t2" >>"$work/runs.tsv"
done
echo "uptime at end:   $(uptime)"
java -cp "$cp" "$here/bench/OverheadReport.java" "$delay" "$work/runs.tsv" "$work/calls.tsv" "$work"

#!/usr/bin/env bash
# Times the HTTP API of gantry serve on this machine: per-request latency of POST /sessions,
# GET /sessions/{id} and GET /sessions, and a whole session over HTTP (start, wait for approval,
# approve, wait for SUCCEEDED). Prints medians. Needs curl and jq; build first with
# `mvn -B -DskipTests -pl local -am package`.
# Usage: bench/api-latency.sh [SESSIONS] [REPO]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
repo=$(cd "${2:-.}" && pwd)
export GANTRY_HOME=$(mktemp -d)
export GANTRY_API_TOKEN=bench-token
export GANTRY_REPOSITORY_ROOTS="$repo"   # gantry serve reads repository.path only under these folders
port=18765
./gantry serve --port $port > "$GANTRY_HOME/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$GANTRY_HOME"' EXIT
api=http://127.0.0.1:$port
auth="Authorization: Bearer $GANTRY_API_TOKEN"
until curl -sf $api/health > /dev/null; do sleep 0.1; done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
wait_not() { until [ "$(curl -s -H "$auth" $api/sessions/$1 | jq -r .status)" != "$2" ]; do sleep 0.02; done; }

post=(); get=(); list=(); whole=()
for i in $(seq "$runs"); do
  t0=$(now)
  out=$(curl -s -w '\n%{time_total}' -H "$auth" -H 'Content-Type: application/json' -X POST $api/sessions \
    -d "{\"goal\":\"Serve Gantry's session API on AWS\",\"repository\":{\"path\":\"$repo\"}}")
  id=$(echo "$out" | head -n 1 | jq -r .sessionId); post+=("$(echo "$out" | tail -n 1)")
  wait_not "$id" RUNNING
  digest=$(curl -s -H "$auth" $api/sessions/$id | jq -r .pendingApproval.digest)
  curl -s -o /dev/null -H "$auth" -H 'Content-Type: application/json' -X POST $api/sessions/$id/approval \
    -d "{\"decision\":\"approve\",\"digest\":\"$digest\"}"
  wait_not "$id" RUNNING
  whole+=("$(echo "$(now) - $t0" | bc)")
  get+=("$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" $api/sessions/$id)")
  list+=("$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$api/sessions?limit=20")")
done
printf 'sessions over HTTP: %d on %s\n' "$runs" "$repo"
printf 'POST /sessions        median %s s\n' "$(printf '%s\n' "${post[@]}" | median)"
printf 'GET /sessions/{id}    median %s s\n' "$(printf '%s\n' "${get[@]}" | median)"
printf 'GET /sessions         median %s s\n' "$(printf '%s\n' "${list[@]}" | median)"
printf 'whole session         median %s s (start, approval gate, approve, SUCCEEDED)\n' "$(printf '%s\n' "${whole[@]}" | median)"

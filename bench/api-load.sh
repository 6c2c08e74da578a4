#!/usr/bin/env bash
# Load on gantry serve over loopback (bounded: SECONDS of reads at READ_RPS with STARTS_PER_S session
# starts, a burst of BURST requests, SLOW stalled connections), printing achieved rate, p50/p95/p99 and
# status counts per phase. Goals (issue 15): GET p99 <= 200 ms at 50 rps with 2 starts/s, no 5xx,
# 429s in the burst, /health answering under 250 stalled connections.
# Build first: mvn -B -DskipTests -pl local -am package
# Usage: bench/api-load.sh [SECONDS] [READ_RPS] [STARTS_PER_S] [BURST] [SLOW]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
export GANTRY_HOME=$(mktemp -d)
export GANTRY_API_TOKEN=bench-token
export GANTRY_REPOSITORY_ROOTS="$repo"
port=18766
./gantry serve --port $port > "$GANTRY_HOME/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$GANTRY_HOME"' EXIT
until curl -sf http://127.0.0.1:$port/health > /dev/null; do sleep 0.2; done
java bench/ApiLoad.java "http://127.0.0.1:$port" "$GANTRY_API_TOKEN" "$repo" "${1:-20}" "${2:-50}" "${3:-2}" "${4:-400}" "${5:-250}"

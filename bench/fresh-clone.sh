#!/usr/bin/env bash
# Wall time of README's two commands as a new user meets them: a lone clone of this repository's
# HEAD (nothing beside it) and an empty local Maven repository for each command, so every artifact
# is downloaded. Prints each command's exit code and seconds. Needs network access to Maven Central
# and the npm registry; leaves its files under a temporary folder it names.
#
#   bench/fresh-clone.sh
set -uo pipefail
source_repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
git clone -q "$source_repo" "$work/gantry"
cd "$work/gantry"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
export GANTRY_HOME="$work/gantry-home"

seconds() { echo "$(date +%s.%N) - $1" | bc; }

start=$(date +%s.%N)
mvn -B -DskipTests -pl local -am package -Dmaven.repo.local="$work/m2-first" > "$work/first-build.log" 2>&1
build=$?
built=$(date +%s.%N)
./gantry run --repo . --goal "Serve Gantry's session API on AWS" > "$work/first-run.log" 2>&1
run=$?
printf 'first command:  build exit %d in %.1f s, run exit %d in %.1f s, total %.1f s\n' \
  "$build" "$(echo "$built - $start" | bc)" "$run" "$(seconds "$built")" "$(seconds "$start")"

start=$(date +%s.%N)
(npm ci --no-audit --no-fund && mvn -B verify -Dmaven.repo.local="$work/m2-second") > "$work/second.log" 2>&1
tests=$?
printf 'second command: exit %d in %.1f s (%s)\n' "$tests" "$(seconds "$start")" \
  "$(grep -E 'Tests run:.*Skipped: [0-9]+$' "$work/second.log" | sed 's/.*Tests run: \([0-9]*\).*/\1/' | paste -sd+ | bc) tests"
echo "logs and clone under $work"

#!/usr/bin/env bash
# Validates every *.yaml, *.yml, *.json and *.template file under DIR (node_modules and .git left
# out) with the validate stage's rules, one after the other in one JVM with the gantry launcher's
# flags, and prints: files read, templates that pass / have blocking findings / do not parse,
# findings per rule, time per file (median, p95, max) and the time of the first validation (class
# loading and whatever the rules load once). DETAILS, when given, gets one JSON line per file.
#
#   bench/validate-templates.sh DIR [DETAILS.jsonl]
# Build first: mvn -B -DskipTests -pl local -am package
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: bench/validate-templates.sh DIR [DETAILS.jsonl]}"
[ -d "$dir" ] || { echo "bench: $dir is not a directory" >&2; exit 2; }
jar="$(ls "$here"/local/target/gantry-local-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n 1 || true)"
if [ -z "$jar" ] || [ ! -d "$here/local/target/lib" ]; then
  echo "bench: not built yet: run 'mvn -B -DskipTests -pl local -am package' in $here" >&2
  exit 2
fi
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
cp="$jar:$here/local/target/lib/*"
javac -d "$classes" -cp "$cp" "$here/bench/ValidateTemplates.java"
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classes:$cp" ValidateTemplates "$dir" ${2:+"$2"}

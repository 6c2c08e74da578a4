#!/usr/bin/env bash
# What logging, metrics and tracing cost a cold start: the push function's initialisation and first
# invocation (an event that is not a push: one log line, one metric, no AWS call), from the
# push role's deployment jar (build first: mvn -B -DskipTests package), one fresh JVM per sample with Lambda's
# Java flags. Variants (bench/ObservabilityColdStart.java): bare (a copy of the jar without log4j,
# so SLF4J and Powertools logging do nothing; no metrics), logs (Powertools JSON logging), logs+metrics
# (as deployed), and logs+metrics+xray (plus the X-Ray recorder SDK's TracingInterceptor on every SDK
# client and one segment), the last only when Maven can resolve the recorder offline. Lambda's active
# tracing itself runs outside the JVM and costs the function no start-up time.
# Prints, per variant, the median init, first invocation and JVM-start-to-end times in ms, and the
# difference to bare. Usage: bench/observability-cold-start.sh [RUNS]   (RUNS >= 10; default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
jar=lambdas/target/gantry-lambda-push.jar   # the push function's role jar
[ -f "$jar" ] || { echo "no $jar: run mvn -B -DskipTests package first" >&2; exit 1; }
work=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export GANTRY_SESSIONS_TABLE=sessions GANTRY_AUDIT_TABLE=audit GANTRY_DOCUMENTS_BUCKET=documents
arn=arn:aws:states:eu-west-1:123456789012:stateMachine
export GANTRY_STATE_MACHINE_ARNS="{\"deliver\":\"$arn:d\",\"design\":\"$arn:g\",\"review\":\"$arn:r\",\"implement\":\"$arn:i\"}"
export GANTRY_EVENT_BUS_NAME=gantry GANTRY_WEBHOOK_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:w
export AWS_LAMBDA_FUNCTION_NAME=gantry-push AWS_LAMBDA_FUNCTION_VERSION=1 LAMBDA_TASK_ROOT="$work"
export POWERTOOLS_SERVICE_NAME=gantry POWERTOOLS_LOG_LEVEL=INFO AWS_XRAY_CONTEXT_MISSING=IGNORE_ERROR

javac -d "$work/bench" -cp "$jar" bench/ObservabilityColdStart.java
# bare: the same jar without log4j and the Powertools log4j manager (SLF4J falls back to no-op)
cp "$jar" "$work/bare.jar"
zip -q -d "$work/bare.jar" 'org/apache/logging/log4j/*' 'software/amazon/lambda/powertools/logging/log4j/*' \
  'META-INF/services/org.slf4j.spi.SLF4JServiceProvider' \
  'META-INF/services/software.amazon.lambda.powertools.logging.internal.LoggingManager' 'log4j2.xml' \
  'software/amazon/awssdk/global/handlers/execution.interceptors' >/dev/null   # names Powertools' log4j user-agent interceptor

variants=(bare logs logs+metrics)
xray_cp=""
mkdir -p "$work/xray-pom"
cat > "$work/xray-pom/pom.xml" <<'POM'
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>xray</artifactId><version>1</version>
  <dependencies><dependency><groupId>com.amazonaws</groupId><artifactId>aws-xray-recorder-sdk-aws-sdk-v2</artifactId>
    <version>2.18.2</version></dependency></dependencies></project>
POM
if (cd "$work/xray-pom" && mvn -B -o -q dependency:build-classpath -Dmdep.outputFile=cp.txt >/dev/null 2>&1); then
  # the instrumentor's registration, by hand: every SDK client built gets the TracingInterceptor
  mkdir -p "$work/xray-global/software/amazon/awssdk/global/handlers"
  echo com.amazonaws.xray.interceptors.TracingInterceptor > "$work/xray-global/software/amazon/awssdk/global/handlers/execution.interceptors"
  xray_cp="$(cat "$work/xray-pom/cp.txt"):$work/xray-global"
  variants+=(logs+metrics+xray)
else
  echo "the X-Ray recorder SDK (com.amazonaws:aws-xray-recorder-sdk-aws-sdk-v2:2.18.2) is not in the local Maven repository: xray left out" >&2
fi

flags="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
classpath() {
  case $1 in
    bare) echo "$work/bare.jar:$work/bench" ;;
    *xray) echo "$jar:$xray_cp:$work/bench" ;;
    *) echo "$jar:$work/bench" ;;
  esac
}
# the variants take turns within each round, so a change in the machine's load falls on all of them
for i in $(seq "$runs"); do
  for variant in "${variants[@]}"; do
    # standard output is the function's log and metrics; the result line is on standard error
    java $flags -cp "$(classpath "$variant")" ObservabilityColdStart "$variant" 2>&1 >/dev/null | grep '^RESULT' >> "$work/results"
  done
done
printf '%-20s %8s %10s %10s %12s   (median of %d fresh JVMs each)\n' variant init_ms invoke_ms total_ms vs_bare_ms "$runs"
bare_total=""
for variant in "${variants[@]}"; do
  rows=$(awk -v v="$variant" '$2 == v' "$work/results")
  init=$(echo "$rows" | awk '{print $3}' | median)
  invoke=$(echo "$rows" | awk '{print $4}' | median)
  total=$(echo "$rows" | awk '{print $5}' | median)
  bare_total=${bare_total:-$total}
  printf '%-20s %8s %10s %10s %+12d\n' "$variant" "$init" "$invoke" "$total" "$((total - bare_total))"
done

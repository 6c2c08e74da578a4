#!/usr/bin/env bash
# Cold starts of every Gantry Lambda role against DynamoDB Local and the S3 server (issue 17), each
# beside a hello-world handler and a bare-SDK floor with the role's clients and calls.
#
# Each sample is a fresh JVM with Lambda's JVM flags that constructs the handler (init), invokes it
# (first) and invokes it again with a second event (second), and records init, first and second in
# ms, classes loaded and max RSS (bench/ColdStart.java). Variants per role:
#   hello      a stream handler writing fixed bytes (the JVM and runtime interface alone)
#   floor      the bare AWS SDK: the role's clients built at init, the same kind of calls on invoke (bench/Floors.java)
#   unprimed   the role's handler, AWS_LAMBDA_INITIALIZATION_TYPE=snap-start, no org.crac hook run
#   restore    as unprimed, then org.crac.Core.checkpointRestore() (each registered resource's
#              beforeCheckpoint, then afterRestore) before the first invoke: the first invoke after a
#              SnapStart restore. org.crac 1.5.0 on a JDK without CRaC drops registrations, so the
#              bench supplies a minimal CRaC implementation (lambdas/src/test/java/dev/gantry/testing/crac, -Dorg.crac.Core.Compat=dev.gantry.testing.crac),
#              as Lambda's runtime supplies its own
#   on-demand  AWS_LAMBDA_INITIALIZATION_TYPE=on-demand (Lambda's value without SnapStart): priming during init
# The variants of a role take turns within each round (the first rotates), so the machine's load
# falls on all of them alike.
#
# Downstream (bench/ColdStartEngines.java, one helper JVM per run): the local module's DynamoDB Local
# and s3proxy, and a loopback stub of KMS (GenerateMac/VerifyMac, HMAC-SHA-256), EventBridge and Step
# Functions. The handlers reach them through the AWS SDK's service-specific endpoint variables
# (AWS_ENDPOINT_URL_DYNAMODB, _S3, _KMS, ...: AWS SDKs and Tools Reference Guide, "Service-specific
# endpoints"; SDK for Java 2.x reads them), Gantry's code unchanged. The helper seeds a session per
# sample and event: api GET /sessions/{id} (payload 2.0, IAM authorizer) of a RUNNING session;
# recorder the ExecutionEnd (FAILED) of a RUNNING session; approval the ApprovalTask of a session
# whose stages up to changeset ran; stage the architect StageTask (offline model) of a session whose
# checkout ran on a small Git repository; push a RepositoryPush no rule matches; redelivery the
# scheduled sweep.
#
# JVM flags: Lambda's Java 17 and 21 runtimes stop tiered compilation at level 1 and use the serial
# collector (AWS Lambda Developer Guide, "Customize Java runtime startup behavior for Lambda
# functions", https://docs.aws.amazon.com/lambda/latest/dg/java-customization.html); -Xshare:auto is
# the JVM's default (the JDK's CDS archive), as in the runtime's bootstrap. Lambda's Java 25 runtime
# keeps level 1 except with SnapStart or provisioned concurrency; the bench keeps the same flags for JDK 25.
#
# Build first: mvn -B -o -q package -DskipTests -pl lambdas,local. Jar per role:
# lambdas/target/gantry-lambda-ROLE.jar when it exists, else lambdas/target/gantry-lambdas-aws.jar.
# Usage: [RUNS=15] [JAVA=/path/to/java] bench/cold-start.sh [--jdk25] [ROLE...]
#        roles: api recorder approval stage push redelivery (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-15}
java=${JAVA:-java}
if [ "${1:-}" = "--jdk25" ]; then
  java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
  shift
fi
roles=("$@")
[ ${#roles[@]} -gt 0 ] || roles=(api recorder approval stage push redelivery)
declare -A handler=([api]=ApiHandler [stage]=StageHandler [approval]=ApprovalRequestHandler
  [recorder]=FailureRecorderHandler [push]=PushEventHandler [redelivery]=DecisionRedeliveryHandler)
fat=lambdas/target/gantry-lambdas-aws.jar
jar_of() { if [ -f "lambdas/target/gantry-lambda-$1.jar" ]; then echo "lambdas/target/gantry-lambda-$1.jar"; else echo "$fat"; fi; }
for role in "${roles[@]}"; do
  [ -n "${handler[$role]:-}" ] || { echo "unknown role $role (api recorder approval stage push redelivery)" >&2; exit 2; }
  [ -f "$(jar_of "$role")" ] || { echo "no $(jar_of "$role"): run mvn -B -o -q package -DskipTests -pl lambdas,local" >&2; exit 1; }
done
local_jar=$(ls local/target/gantry-local-*.jar 2>/dev/null | grep -v -- '-tests' | head -1)
[ -n "$local_jar" ] && [ -d local/target/lib ] || { echo "no local/target jar and lib: build -pl lambdas,local" >&2; exit 1; }
serialization=$(ls ~/.m2/repository/com/amazonaws/aws-lambda-java-serialization/*/aws-lambda-java-serialization-*.jar 2>/dev/null | grep -v sources | tail -1)

work=$(mktemp -d)
helper=""
cleanup() {
  exec 3>&- 2>/dev/null || true
  if [ -n "$helper" ]; then wait "$helper" 2>/dev/null || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

echo "cold-start: RUNS=$runs, roles ${roles[*]}, $("$java" -version 2>&1 | head -1)"
echo "load at start: $(uptime)"
for role in "${roles[@]}"; do
  printf '  jar %-10s %s (%s bytes)\n' "$role" "$(jar_of "$role")" "$(stat -c %s "$(jar_of "$role")")"
done

# the handlers' environment (names as the CDK stack sets them; values the bench's)
export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=gantrylocal AWS_SECRET_ACCESS_KEY=gantrylocalsecret  # EmbeddedEngines' keys
export GANTRY_SESSIONS_TABLE=bench-sessions GANTRY_AUDIT_TABLE=bench-audit GANTRY_DOCUMENTS_BUCKET=bench-documents
export GANTRY_AUDIT_ANCHORS_BUCKET=bench-anchors
export GANTRY_AUDIT_KEY_ID=arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-00000000bench
arn=arn:aws:states:eu-west-1:123456789012:stateMachine
export GANTRY_STATE_MACHINE_ARNS="{\"deliver\":\"$arn:d\",\"design\":\"$arn:g\",\"review\":\"$arn:r\",\"implement\":\"$arn:i\"}"
export GANTRY_EVENT_BUS_NAME=gantry-bench GANTRY_WEBHOOK_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:w
export GANTRY_MODEL_PROVIDER=offline AWS_LAMBDA_FUNCTION_VERSION=1
export GANTRY_SESSION_READERS='arn:aws:sts::123456789012:assumed-role/gantry-reader/*'  # the api event's caller reads every session
export POWERTOOLS_SERVICE_NAME=gantry POWERTOOLS_LOG_LEVEL=INFO POWERTOOLS_METRICS_NAMESPACE=Gantry
export LAMBDA_TASK_ROOT="$work/task"
mkdir -p "$LAMBDA_TASK_ROOT"
(cd "$LAMBDA_TASK_ROOT" && unzip -q "$OLDPWD/$(jar_of stage)" 'agents/*')   # Lambda unpacks the jar into /var/task

# compile the bench (never into the repository)
compile_cp=$(printf '%s:' lambdas/target/gantry-lambda-*.jar "$fat" 2>/dev/null)
javac --release 17 -nowarn -d "$work/classes" -cp "$compile_cp" bench/ColdStart.java bench/Floors.java bench/ColdStartTable.java lambdas/src/test/java/dev/gantry/testing/crac/*.java
javac --release 17 -nowarn -d "$work/engines" -cp "$local_jar:local/target/lib/*" bench/ColdStartEngines.java

# the engines, once; their input held open on fd 3 until the end
per_role=$((runs * 6))   # 3 variants x 2 invokes x RUNS, each on its own session
mkfifo "$work/hold"
GANTRY_SCRATCH_DIR="$work/helper-scratch" java -cp "$work/engines:$local_jar:local/target/lib/*" ColdStartEngines \
  "$work" "$per_role" "${roles[@]}" < "$work/hold" > "$work/engines.log" 2>&1 &
helper=$!
exec 3>"$work/hold"
while [ ! -f "$work/ready" ]; do
  kill -0 "$helper" 2>/dev/null || { echo "the engines did not start:" >&2; tail -30 "$work/engines.log" >&2; exit 1; }
  sleep 0.5
done
grep 'seeded in' "$work/engines.log" || true
set -a; . "$work/endpoints.env"; set +a

flags="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto"
variants=(hello floor unprimed restore on-demand)
sample() {  # role variant round
  local role=$1 variant=$2 i=$3 v first second type
  case $variant in unprimed) v=0 ;; restore) v=1 ;; on-demand) v=2 ;; *) v=0 ;; esac
  first=$(((i * 3 + v) * 2)); second=$((first + 1))
  type=snap-start; [ "$variant" = on-demand ] && type=on-demand
  rm -rf "$work/scratch"; mkdir -p "$work/scratch"   # Lambda's /tmp of a new execution environment
  local stage_env=""; [ "$role" = stage ] && stage_env=architect
  if ! AWS_LAMBDA_INITIALIZATION_TYPE=$type AWS_LAMBDA_FUNCTION_NAME=gantry-$role GANTRY_STAGE=$stage_env \
      GANTRY_SCRATCH_DIR="$work/scratch/gantry" BENCH_ANSWERS=$([ "$i" = 0 ] && echo "$work/answers") \
      "$java" $flags -Dorg.crac.Core.Compat=dev.gantry.testing.crac -cp "$(jar_of "$role"):$serialization:$work/classes" ColdStart "$work/results" "$role" "$variant" \
      "dev.gantry.handler.${handler[$role]}" "$work/events/$role/$first.json" "$work/events/$role/$second.json" \
      > "$work/sample.log" 2>&1; then
    echo "sample $role $variant round $i failed:" >&2; grep -v '^{' "$work/sample.log" | tail -20 >&2; tail -3 "$work/sample.log" >&2
    exit 1
  fi
  # S3 uploads that failed after the SDK's retries (the store logs the anchor it could not write and goes on)
  local missed; missed=$(grep -c 'not anchored' "$work/sample.log" || true)
  if [ "$missed" != 0 ]; then
    echo "$role $variant round $i: $missed audit anchor(s) not written" >> "$work/anchor-misses"
    cp "$work/sample.log" "$work/anchor-miss-$role-$variant-$i.log"   # kept with KEEP=1
  fi
}
for i in $(seq 0 $((runs - 1))); do
  for role in "${roles[@]}"; do
    for k in 0 1 2 3 4; do
      sample "$role" "${variants[$(((i + k) % 5))]}" "$i"
    done
  done
  [ "$i" = 0 ] && { echo "first answers:"; sed 's/^/  /' "$work/answers"; }
done

echo
echo "median and p90 (nearest rank) of $runs fresh JVMs per role and variant, in ms; x_floor = median init+first / the floor's;"
echo "cls_x_fl = median classes loaded / the floor's; 1st/2nd = median first / median second invoke"
"$java" -cp "$work/classes" ColdStartTable "$work/results" "${roles[@]}"
exec 3>&-
wait "$helper" || true
helper=""
grep -h 'stub answered' "$work/engines.log" || true
[ ! -f "$work/anchor-misses" ] || { echo "S3 anchor uploads that failed (logged and skipped, as Gantry's store does):"; sed 's/^/  /' "$work/anchor-misses"; }
echo "load at end: $(uptime)"

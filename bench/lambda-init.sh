#!/usr/bin/env bash
# Initialisation time of each Gantry Lambda handler in a fresh JVM with Lambda's Java flags, from
# its role's deployment jar, lambdas/target/gantry-lambda-<role>.jar (build first: mvn -B -DskipTests
# package). The environment names fake tables,
# bus and secret: construction builds the DynamoDB client and loads agents but calls no AWS API (as
# with SnapStart, priming waits for the checkpoint hook, which this never runs; bench/cold-start.sh
# measures priming and the invocations). Prints the
# median of RUNS per handler: class load, constructor, and total since JVM start, in ms.
# Usage: bench/lambda-init.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
export AWS_REGION=eu-west-1 AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench
export GANTRY_SESSIONS_TABLE=sessions GANTRY_AUDIT_TABLE=audit GANTRY_DOCUMENTS_BUCKET=documents
arn=arn:aws:states:eu-west-1:123456789012:stateMachine
export GANTRY_STATE_MACHINE_ARNS="{\"deliver\":\"$arn:d\",\"design\":\"$arn:g\",\"review\":\"$arn:r\",\"implement\":\"$arn:i\"}"
export GANTRY_AUDIT_KEY_ID=alias/audit GANTRY_AUDIT_ANCHORS_BUCKET=anchors
export GANTRY_EVENT_BUS_NAME=gantry GANTRY_WEBHOOK_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:w
export GANTRY_MODEL_PROVIDER=offline LAMBDA_TASK_ROOT=$(mktemp -d)
export AWS_LAMBDA_INITIALIZATION_TYPE=snap-start POWERTOOLS_SERVICE_NAME=gantry
trap 'rm -rf "$LAMBDA_TASK_ROOT"' EXIT
(cd "$LAMBDA_TASK_ROOT" && unzip -q "$OLDPWD/lambdas/target/gantry-lambda-api.jar" 'agents/*')   # Lambda unpacks the jar into /var/task
javac -d "$LAMBDA_TASK_ROOT/bench" bench/LambdaInit.java
flags="-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-24s %8s %12s %10s\n' handler load_ms construct_ms total_ms
for role_handler in api:ApiHandler push:PushEventHandler stage:StageHandler approval:ApprovalRequestHandler \
    recorder:FailureRecorderHandler redelivery:DecisionRedeliveryHandler; do
  handler=${role_handler#*:}
  jar=lambdas/target/gantry-lambda-${role_handler%%:*}.jar
  rows=$(for i in $(seq "$runs"); do java $flags -cp "$jar:$LAMBDA_TASK_ROOT/bench" LambdaInit dev.gantry.handler.$handler; done)
  printf '%-24s %8s %12s %10s\n' $handler \
    "$(echo "$rows" | awk '{print $2}' | median)" "$(echo "$rows" | awk '{print $3}' | median)" \
    "$(echo "$rows" | awk '{print $4}' | median)"
done

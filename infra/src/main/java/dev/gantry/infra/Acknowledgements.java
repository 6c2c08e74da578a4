package dev.gantry.infra;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.amazon.awscdk.Annotations;
import software.constructs.IConstruct;

/**
 * The cdk-nag findings Gantry accepts, each next to the construct that causes it, with the rule id
 * and a reason a reviewer can check. Wildcard acknowledgements ({@code AwsSolutions-IAM5}) name the
 * exact resource pattern they cover, so a new, unreviewed wildcard still fails the synth.
 */
final class Acknowledgements {
  private Acknowledgements() {}

  /** Java 21 on a Gantry function. */
  static void javaRuntime(IConstruct function) {
    suppress(function, "AwsSolutions-L1",
        "Gantry's functions run on Java 21 deliberately: it is the LTS release the runtime is built and tested for, "
            + "and SnapStart supports it on arm64; moving to a newer Java runtime is a tested change, not a silent one");
    Annotations.of(function).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
        "every Gantry function is invoked only through its 'live' alias on the published current version");
  }

  /** The listing indexes of the sessions table. */
  static void sessionIndexes(IConstruct role) {
    wildcard(role, "^Resource::<StorageSessions[0-9A-F]+\\.Arn>/index/\\*$",
        "sessions are listed through the table's own global secondary indexes (byCreated, byStatus); "
            + "index/* covers exactly those two and nothing outside the sessions table");
  }

  /** Session documents and approved templates in the documents bucket. */
  static void documentObjects(IConstruct role) {
    wildcard(role, "^Resource::<StorageDocuments[0-9A-F]+\\.Arn>/(sessions|stacks)/\\*$",
        "document keys contain the session id or stack name, known only at run time; access is limited to the "
            + "sessions/ and stacks/ prefixes and to GetObject/PutObject");
  }

  /** Audit anchors in the anchors bucket. */
  static void auditAnchors(IConstruct role) {
    wildcard(role, "^Resource::<StorageAuditAnchors[0-9A-F]+\\.Arn>/audit-anchors/\\*$",
        "anchor keys contain the session id, sequence number and hash, known only at run time; access is "
            + "PutObject alone under audit-anchors/, and the bucket policy refuses a put without If-None-Match "
            + "and every delete, so a writer can add anchors but never change one");
  }

  /** Foundation models reached through a cross-region inference profile. */
  static void bedrockRegions(IConstruct role) {
    wildcard(role, "^Resource::arn:<AWS::Partition>:bedrock:\\*::foundation-model/.+$",
        "a cross-region inference profile routes each call to the model in one of several regions, so the model "
            + "ARN's region cannot be fixed; the statement only applies through the configured profile "
            + "(bedrock:InferenceProfileArn condition), as the Bedrock user guide prescribes");
  }

  /** StopExecution on the pipeline's executions. */
  static void executions(IConstruct role) {
    wildcard(role, "^Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:.*:\\*$",
        "executions are named by session id at run time; StopExecution is limited to executions of Gantry's "
            + "own state machine");
  }

  /** A function's X-Ray trace writes (active tracing). */
  static void tracing(IConstruct role) {
    suppress(role, "AwsSolutions-IAM5",
        "active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which take no resource-level "
            + "permissions, so the Lambda developer guide (and CDK's Tracing.ACTIVE) grant them on Resource '*'",
        List.of("Resource::*"));
  }

  /** The state machine role's X-Ray and log delivery statements. */
  static void stateMachineRole(IConstruct role) {
    suppress(role, "AwsSolutions-IAM5",
        "X-Ray (PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery "
            + "(CreateLogDelivery and friends) do not support resource-level permissions, so the Step Functions "
            + "developer guide requires Resource '*' for tracing and logging",
        List.of("Resource::*"));
  }

  /** The permissions boundary of the deployed stacks' roles and users. */
  static void deployedStackBoundary(IConstruct boundary, List<String> services) {
    suppress(boundary, "AwsSolutions-IAM5",
        "this policy is a permissions boundary, a ceiling and not a grant: a role or user a deployed stack creates "
            + "may do only what its own approved policies grant and this ceiling allows; the ceiling holds the deploy "
            + "services a team configures (context deployServices) on any resource, because the deployed resources' "
            + "names are known only at deploy time, plus the log writes a Lambda execution role needs on its log "
            + "group and X-Ray's trace writes, which take no resource-level permissions; iam, organizations and "
            + "account are denied outright, and so are changes to this policy",
        List.of(serviceWildcards(services), "Resource::*"));
  }

  /** The CloudFormation service role of the deployed stacks. */
  static void deployRole(IConstruct role, String stackPrefix, List<String> services) {
    suppress(role, "AwsSolutions-IAM5",
        "CloudFormation's service role creates whatever resources an approved template declares, with names "
            + "CloudFormation generates at deploy time, so it holds the configured deploy services (context "
            + "deployServices, never iam, sts, organizations, account or cloudformation) on any resource; IAM is "
            + "limited to roles and users named " + stackPrefix + "*, created or changed only with the "
            + "DeployedStackBoundary attached (iam:PermissionsBoundary condition), which it can neither remove nor "
            + "change; only the deploy stage functions may pass the role, and only to CloudFormation",
        List.of(serviceWildcards(services), "Resource::*",
            RegexAppliesTo.builder().regex("/^Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:(role|user)/"
                + stackPrefix + "\\*$/").build()));
  }

  /** The deploy stage functions' CloudFormation statements on the prefixed stacks. */
  static void deployedStacks(IConstruct role, String stackPrefix) {
    wildcard(role, "^Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/"
            + stackPrefix + "\\*/\\*$",
        "deployed stacks are named by the session at run time and their ARNs end in a stack id CloudFormation "
            + "assigns, so the statements cover stacks named " + stackPrefix + "* only; change sets and deletions "
            + "need cloudformation:RoleArn to be the deploy role, so they never run with the function's own rights");
  }

  /** A route the handler authenticates itself, or the health check. */
  static void publicRoute(IConstruct route, String operationId) {
    suppress(route, "AwsSolutions-APIG4",
        operationId.startsWith("receive")
            ? "webhook deliveries cannot carry SigV4 or a JWT; the handler verifies GitHub's HMAC-SHA256 signature "
                + "or GitLab's token against the Secrets Manager secret before anything happens"
            : "the health check answers only the API version, so load balancers and uptime probes can call it unsigned");
  }

  /** The webhook secret. */
  static void webhookSecret(IConstruct secret) {
    suppress(secret, "AwsSolutions-SMG4",
        "the webhook secret is shared with GitHub or GitLab, whose webhook settings must change in the same "
            + "moment; a rotation function cannot update the provider, so rotation is a documented manual step (README)");
  }

  /** The Git tokens secret. */
  static void gitSecret(IConstruct secret) {
    suppress(secret, "AwsSolutions-SMG4",
        "the Git secret holds access tokens issued by GitHub, GitLab or another host, which only that host can "
            + "rotate; a rotation function cannot mint them, so rotation is the token owner's manual step (README)");
  }

  /** The dead-letter queue of the push rule. */
  static void deadLetterQueue(IConstruct queue) {
    suppress(queue, "AwsSolutions-SQS3",
        "this queue is itself the dead-letter queue of the push rule's Lambda target; a queue for its own "
            + "failures would have nothing to catch");
  }

  static void sessionRoutes(IConstruct policy) {
    wildcard(policy, "^Resource::arn:.*execute-api:.*/\\*(/.*)?$",
        "the wildcards stand for a route's path parameters (session ids, document and agent names): IAM cannot tell "
            + "whose session a request names, so the function checks that (owner or reader role)");
  }

  private static RegexAppliesTo serviceWildcards(List<String> services) {
    return RegexAppliesTo.builder().regex("/^Action::(" + String.join("|", services) + "):\\*$/").build();
  }

  private static void wildcard(IConstruct role, String regex, String reason) {
    suppress(role, "AwsSolutions-IAM5", reason, List.of(RegexAppliesTo.builder().regex("/" + regex + "/").build()));
  }

  private static void suppress(IConstruct construct, String rule, String reason) {
    NagSuppressions.addResourceSuppressions(construct,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).build()), true);
  }

  private static void suppress(IConstruct construct, String rule, String reason, List<?> appliesTo) {
    NagSuppressions.addResourceSuppressions(construct,
        List.of(NagPackSuppression.builder().id(rule).reason(reason).appliesTo(appliesTo).build()), true);
  }
}

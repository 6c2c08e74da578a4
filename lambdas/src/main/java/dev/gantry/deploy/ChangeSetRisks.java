package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.RiskFlag.Kind;
import dev.gantry.deploy.StackDeployments.ChangeSetHook;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The risk flags a reviewer must see in a change set, read from its resource changes and the
 * template it was made from:
 *
 * <ul>
 *   <li>replacement ({@code True} or {@code Conditional}) or deletion of a stateful resource, one
 *       whose data or identity does not survive it ({@link #STATEFUL_TYPES});
 *   <li>any change to an IAM resource or a resource policy ({@link #PERMISSION_TYPES});
 *   <li>public exposure in what is added or modified: an {@code Allow} statement for the principal
 *       {@code *} without a condition, a Lambda permission or function URL open to anyone, ingress
 *       from {@code 0.0.0.0/0} or {@code ::/0}, a bucket with a public ACL or a public access block
 *       switched off;
 *   <li>the capabilities the template needs, and the hooks that run on the change set.
 * </ul>
 *
 * Only literal values are judged: a value computed by an intrinsic function is not a public one.
 */
public final class ChangeSetRisks {
  /** Resource types whose replacement or deletion loses data, or an identity others depend on. */
  public static final Set<String> STATEFUL_TYPES = Set.of(
      "AWS::DynamoDB::Table", "AWS::DynamoDB::GlobalTable", "AWS::Serverless::SimpleTable", "AWS::S3::Bucket",
      "AWS::SQS::Queue", "AWS::RDS::DBInstance", "AWS::RDS::DBCluster", "AWS::DocDB::DBCluster", "AWS::Neptune::DBCluster",
      "AWS::Logs::LogGroup", "AWS::EFS::FileSystem", "AWS::Kinesis::Stream", "AWS::KinesisFirehose::DeliveryStream",
      "AWS::ElastiCache::CacheCluster", "AWS::ElastiCache::ReplicationGroup", "AWS::OpenSearchService::Domain",
      "AWS::Cognito::UserPool", "AWS::KMS::Key", "AWS::SecretsManager::Secret", "AWS::Backup::BackupVault",
      "AWS::EC2::Volume", "AWS::Timestream::Table");

  /** Resource types that grant permissions: IAM resources and resource-based policies. */
  public static final Set<String> PERMISSION_TYPES = Set.of(
      "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy", "AWS::Lambda::Permission",
      "AWS::Events::EventBusPolicy", "AWS::SecretsManager::ResourcePolicy", "AWS::Logs::ResourcePolicy",
      "AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer");

  private static final Set<String> OPEN_RANGES = Set.of("0.0.0.0/0", "::/0");
  private static final List<String> BLOCK_SETTINGS =
      List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets");

  private ChangeSetRisks() {}

  /**
   * @param changes the change set's resource changes
   * @param template the parsed template the change set was made from
   * @param capabilities the capabilities the template needs
   * @param hooks the hooks that run on the change set
   * @return the flags, by kind then logical id
   */
  public static List<RiskFlag> flags(
      List<ResourceChange> changes, JsonNode template, List<String> capabilities, List<ChangeSetHook> hooks) {
    List<RiskFlag> flags = new ArrayList<>();
    for (ResourceChange change : changes) {
      String id = change.logicalResourceId();
      String type = change.resourceType();
      String what = id + " (" + type + ")";
      if (STATEFUL_TYPES.contains(type)) {
        if ("Remove".equals(change.action())) {
          flags.add(new RiskFlag(Kind.STATEFUL_DELETION, id, what + " is deleted with its data"));
        } else if (change.mayReplace()) {
          flags.add(new RiskFlag(Kind.STATEFUL_REPLACEMENT, id, what + " is "
              + ("True".equals(change.replacement()) ? "replaced" : "possibly replaced")
              + ": a new resource is created and the old one deleted with its data"));
        }
      }
      if (type.startsWith("AWS::IAM::") || PERMISSION_TYPES.contains(type)) {
        flags.add(new RiskFlag(Kind.IAM_CHANGE, id, what + ": permissions " + verb(change.action())));
      }
      if (!"Remove".equals(change.action())) {
        JsonNode resource = template.path("Resources").path(id);
        publicExposure(id, type, resource.path("Properties")).forEach(reason ->
            flags.add(new RiskFlag(Kind.PUBLIC_EXPOSURE, id, what + ": " + reason)));
      }
    }
    if (!capabilities.isEmpty()) {
      flags.add(new RiskFlag(Kind.CAPABILITIES, null, "the template needs " + String.join(", ", capabilities)
          + (capabilities.contains(Capabilities.AUTO_EXPAND) ? ": CloudFormation expands it before creating resources" : "")));
    }
    for (ChangeSetHook hook : hooks) {
      flags.add(new RiskFlag(Kind.HOOK, hook.logicalResourceId(), "hook " + hook.typeName() + " runs "
          + hook.invocationPoint() + (hook.resourceAction() == null ? "" : " on " + hook.resourceAction())
          + ("FAIL".equals(hook.failureMode()) ? " and stops the deployment if it fails" : " and only warns if it fails")));
    }
    flags.sort(Comparator.comparing(RiskFlag::kind)
        .thenComparing(f -> f.logicalResourceId() == null ? "" : f.logicalResourceId()));
    return flags;
  }

  private static String verb(String action) {
    return switch (action) {
      case "Add" -> "added";
      case "Remove" -> "removed";
      default -> "changed";
    };
  }

  private static List<String> publicExposure(String id, String type, JsonNode properties) {
    List<String> reasons = new ArrayList<>();
    if (publicPrincipal(properties)) {
      reasons.add("a policy allows the principal * with no condition");
    }
    switch (type) {
      case "AWS::Lambda::Permission" -> {
        if ("*".equals(properties.path("Principal").asText(null)) && !properties.has("SourceArn")
            && !properties.has("SourceAccount") && !properties.has("PrincipalOrgID")) {
          reasons.add("anyone may invoke the function");
        }
      }
      case "AWS::Lambda::Url" -> {
        if ("NONE".equals(properties.path("AuthType").asText(null))) {
          reasons.add("the function URL takes requests without authentication");
        }
      }
      case "AWS::EC2::SecurityGroup" -> properties.path("SecurityGroupIngress").forEach(rule -> openIngress(rule, reasons));
      case "AWS::EC2::SecurityGroupIngress" -> openIngress(properties, reasons);
      case "AWS::S3::Bucket" -> {
        String acl = properties.path("AccessControl").asText("");
        if (acl.startsWith("Public")) {
          reasons.add("the bucket's ACL is " + acl);
        }
        JsonNode block = properties.path("PublicAccessBlockConfiguration");
        for (String setting : BLOCK_SETTINGS) {
          if (block.path(setting).isBoolean() && !block.path(setting).asBoolean()
              || "false".equalsIgnoreCase(block.path(setting).asText(""))) {
            reasons.add("the public access block's " + setting + " is off");
          }
        }
      }
      default -> { }
    }
    return reasons;
  }

  private static void openIngress(JsonNode rule, List<String> reasons) {
    for (String field : List.of("CidrIp", "CidrIpv6")) {
      String range = rule.path(field).asText("");
      if (OPEN_RANGES.contains(range)) {
        String ports = rule.has("FromPort") ? " on ports " + rule.path("FromPort").asText() + "-" + rule.path("ToPort").asText() : "";
        reasons.add("ingress from " + range + ports);
      }
    }
  }

  /** Whether any policy document below {@code node} has an unconditioned Allow for the principal {@code *}. */
  private static boolean publicPrincipal(JsonNode node) {
    if (node.isObject()) {
      JsonNode statement = node.get("Statement");
      if (statement != null && (statement.isArray() || statement.isObject())) {
        Iterable<JsonNode> statements = statement.isArray() ? statement : List.of(statement);
        for (JsonNode s : statements) {
          if ("Allow".equals(s.path("Effect").asText()) && !s.has("Condition") && anyone(s.path("Principal"))) {
            return true;
          }
        }
      }
      for (JsonNode child : node) {
        if (publicPrincipal(child)) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (publicPrincipal(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean anyone(JsonNode principal) {
    if (principal.isTextual()) {
      return principal.asText().equals("*");
    }
    JsonNode aws = principal.path("AWS");
    if (aws.isTextual()) {
      return aws.asText().equals("*");
    }
    for (JsonNode entry : aws) {
      if (entry.asText().equals("*")) {
        return true;
      }
    }
    return false;
  }
}

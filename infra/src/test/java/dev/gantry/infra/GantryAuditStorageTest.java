package dev.gantry.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.EnvironmentVariables;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The audit log's key and anchors bucket, and who may do what with them, read from the template. */
class GantryAuditStorageTest {
  static final Template TEMPLATE = Synthesized.defaults().template;

  private static String only(String type, Map<String, Object> properties) {
    Map<String, Map<String, Object>> found = TEMPLATE.findResources(type, Map.of("Properties", Match.objectLike(properties)));
    assertThat(found).hasSize(1);
    return found.keySet().iterator().next();
  }

  private static String auditKey() {
    return only("AWS::KMS::Key", Map.of("KeySpec", "HMAC_256"));
  }

  private static String anchorsBucket() {
    return only("AWS::S3::Bucket", Map.of("LoggingConfiguration", Match.objectLike(Map.of("LogFilePrefix", "audit-anchors/"))));
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? new ArrayList<>(l) : List.of(value);
  }

  /** Actions each role's policies allow on {@code resource}, by role logical id. */
  @SuppressWarnings("unchecked")
  private static Map<String, Set<String>> actionsOn(Object resource) {
    Map<String, Set<String>> byRole = new HashMap<>();
    for (Map<String, Object> policy : TEMPLATE.findResources("AWS::IAM::Policy").values()) {
      Map<String, Object> props = GantryStackTest.props(policy);
      List<Object> statements = (List<Object>) ((Map<String, Object>) props.get("PolicyDocument")).get("Statement");
      for (Object s : statements) {
        Map<String, Object> statement = (Map<String, Object>) s;
        if ("Allow".equals(statement.get("Effect")) && list(statement.get("Resource")).contains(resource)) {
          for (Object role : (List<Object>) props.get("Roles")) {
            byRole.computeIfAbsent((String) ((Map<String, Object>) role).get("Ref"), r -> new TreeSet<>())
                .addAll(list(statement.get("Action")).stream().map(String::valueOf).toList());
          }
        }
      }
    }
    return byRole;
  }

  @Test
  void the_audit_key_is_a_retained_hmac_256_key_for_generating_and_verifying_macs() {
    TEMPLATE.hasResource("AWS::KMS::Key", Map.of(
        "Properties", Match.objectLike(Map.of("KeySpec", "HMAC_256", "KeyUsage", "GENERATE_VERIFY_MAC")),
        "DeletionPolicy", "Retain", "UpdateReplacePolicy", "Retain"));
  }

  @Test
  void writers_hold_only_generate_mac_and_only_the_api_function_may_also_verify() {
    Map<String, Set<String>> grants = actionsOn(Map.of("Fn::GetAtt", List.of(auditKey(), "Arn")));

    assertThat(grants).isNotEmpty();
    assertThat(grants.values()).allSatisfy(actions -> assertThat(actions).isSubsetOf("kms:GenerateMac", "kms:VerifyMac")
        .contains("kms:GenerateMac"));
    assertThat(grants.entrySet()).filteredOn(e -> e.getValue().contains("kms:VerifyMac"))
        .singleElement().satisfies(e -> assertThat(e.getKey()).startsWith("ApiHandler"));
    // every function that writes audit entries (every one with the audit table) can authenticate them
    assertThat(grants.keySet()).hasSize(actionsOn(Map.of("Fn::GetAtt", List.of(
        only("AWS::DynamoDB::Table", Map.of("DeletionProtectionEnabled", true)), "Arn"))).size());
  }

  @Test
  @SuppressWarnings("unchecked")
  void writers_may_only_add_anchors_under_the_prefix_and_only_the_api_function_lists_them() {
    String bucket = anchorsBucket();
    Map<String, Set<String>> puts = actionsOn(Map.of("Fn::Join", List.of("", List.of(
        Map.of("Fn::GetAtt", List.of(bucket, "Arn")), "/audit-anchors/*"))));
    Map<String, Set<String>> onBucket = actionsOn(Map.of("Fn::GetAtt", List.of(bucket, "Arn")));

    assertThat(puts).isNotEmpty();
    assertThat(puts.values()).allSatisfy(actions -> assertThat(actions).containsExactly("s3:PutObject"));
    assertThat(onBucket).hasSize(1);
    assertThat(onBucket.values()).allSatisfy(actions -> assertThat(actions).containsExactly("s3:ListBucket"));
    Map<String, Object> anchors = GantryStackTest.props(TEMPLATE.findResources("AWS::S3::Bucket").get(bucket));
    assertThat(anchors).doesNotContainKey("LifecycleConfiguration").containsEntry("VersioningConfiguration", Map.of("Status", "Enabled"));
  }

  @Test
  void the_anchors_bucket_policy_denies_puts_without_if_none_match_and_every_delete() {
    String bucket = anchorsBucket();
    Object objects = Map.of("Fn::Join", List.of("", List.of(Map.of("Fn::GetAtt", List.of(bucket, "Arn")), "/*")));

    TEMPLATE.hasResourceProperties("AWS::S3::BucketPolicy", Map.of("Bucket", Map.of("Ref", bucket),
        "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
            Match.objectLike(Map.of("Sid", "DenyPutWithoutIfNoneMatch", "Effect", "Deny", "Principal", Map.of("AWS", "*"),
                "Action", "s3:PutObject", "Resource", objects,
                "Condition", Map.of("Null", Map.of("s3:if-none-match", "true")))),
            Match.objectLike(Map.of("Sid", "DenyAnchorDeletion", "Effect", "Deny", "Principal", Map.of("AWS", "*"),
                "Action", List.of("s3:DeleteObject*", "s3:PutLifecycleConfiguration"),
                "Resource", List.of(Map.of("Fn::GetAtt", List.of(bucket, "Arn")), objects))))))));
  }

  @Test
  void the_functions_that_write_audit_entries_know_the_key_and_the_anchors_bucket() {
    Map<String, Map<String, Object>> withTable = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(EnvironmentVariables.AUDIT_TABLE, Match.anyValue()))))));
    Map<String, Map<String, Object>> withAnchors = TEMPLATE.findResources("AWS::Lambda::Function", Map.of("Properties",
        Map.of("Environment", Map.of("Variables", Match.objectLike(Map.of(
            EnvironmentVariables.AUDIT_KEY_ID, Map.of("Fn::GetAtt", List.of(auditKey(), "Arn")),
            EnvironmentVariables.AUDIT_ANCHORS_BUCKET, Map.of("Ref", anchorsBucket())))))));

    assertThat(withAnchors.keySet()).isNotEmpty().isEqualTo(withTable.keySet());
  }

  @Test
  void the_outputs_name_what_an_auditor_reads() {
    assertThat(TEMPLATE.findOutputs("*")).containsKeys("AuditTableName", "AuditAnchorsBucketName", "AuditKeyArn");
  }
}

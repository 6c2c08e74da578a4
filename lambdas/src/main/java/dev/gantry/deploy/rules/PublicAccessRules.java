package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import dev.gantry.deploy.rules.TemplateValues.Located;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resources reachable from the internet or by anyone, and long-lived credentials, by property
 * rather than by policy:
 *
 * <ul>
 *   <li>HIGH {@code S3PublicAccess}: a bucket ACL of PublicRead, PublicReadWrite or
 *       AuthenticatedRead, or a Block Public Access flag set to false (also {@code "false"}) on a
 *       bucket or access point (Security Hub S3.8; S3 User Guide "Blocking public access to your
 *       Amazon S3 storage").
 *   <li>HIGH {@code PublicPrincipal}: an {@code AWS::Lambda::Permission} for {@code Principal: "*"}
 *       without a fixed {@code SourceArn}, {@code SourceAccount} or {@code PrincipalOrgID} (Security
 *       Hub Lambda.1).
 *   <li>HIGH {@code PublicFunctionUrl}: a Lambda function URL with {@code AuthType: NONE} ({@code
 *       AWS::Lambda::Url}, SAM {@code FunctionUrlConfig}, or the permission that opens one), callable
 *       by anyone who finds it (Lambda Developer Guide, "Control access to Lambda function URLs").
 *   <li>HIGH {@code PublicDatabase}: {@code PubliclyAccessible: true} on an RDS instance or cluster,
 *       a Redshift cluster or Serverless workgroup, or a DMS replication instance, where it is also
 *       the default (Security Hub RDS.2, Redshift.1, DMS.1).
 *   <li>HIGH {@code IamUserAccessKey}: an {@code AWS::IAM::AccessKey}, a long-lived credential (IAM
 *       User Guide, "Security best practices in IAM": require workloads to use temporary credentials
 *       with IAM roles).
 * </ul>
 */
public final class PublicAccessRules implements TemplateRule {
  static final Set<String> RULE_IDS =
      Set.of("S3PublicAccess", "PublicPrincipal", "PublicFunctionUrl", "PublicDatabase", "IamUserAccessKey");

  private static final Set<String> PUBLIC_ACLS = Set.of("publicread", "publicreadwrite", "authenticatedread");
  private static final List<String> BLOCK_PUBLIC_ACCESS =
      List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets");
  private static final Map<String, String> DATABASES =
      Map.of(
          "AWS::RDS::DBInstance", "RDS DB instance", "AWS::RDS::DBCluster", "RDS DB cluster",
          "AWS::Redshift::Cluster", "Redshift cluster", "AWS::RedshiftServerless::Workgroup", "Redshift Serverless workgroup",
          "AWS::DMS::ReplicationInstance", "DMS replication instance");

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    TemplateValues values = new TemplateValues(template.root());
    for (Iterator<Map.Entry<String, JsonNode>> it = template.resources().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      String id = resource.getKey();
      String type = resource.getValue().path("Type").asText();
      JsonNode properties = resource.getValue().path("Properties");
      List<String> at = List.of("Resources", id, "Properties");
      switch (type) {
        case "AWS::S3::Bucket", "AWS::S3::AccessPoint" -> bucket(id, properties, at, values, findings);
        case "AWS::Lambda::Permission" -> permission(id, properties, at, values, findings);
        case "AWS::Lambda::Url" -> functionUrl(id, "function URL " + id, properties, at, values, findings);
        case "AWS::Serverless::Function" ->
            functionUrl(id, "the function URL of " + id, properties.path("FunctionUrlConfig"),
                TemplateValues.append(at, "FunctionUrlConfig"), values, findings);
        case "AWS::IAM::AccessKey" ->
            findings.add(
                new Finding(
                    Severity.HIGH, "IamUserAccessKey", id,
                    "access key " + id + " is a long-lived credential for IAM user "
                        + TemplateValues.readable(String.join(", ", values.strings(properties.path("UserName")))),
                    "give the workload an IAM role (a Lambda execution role, an instance profile, IAM Roles Anywhere) instead of user access keys")
                    .at(List.of("Resources", id, "Type")));
        default -> {
          if (DATABASES.containsKey(type)) {
            database(id, type, properties, at, values, findings);
          }
        }
      }
    }
    JsonNode globals = template.root().path("Globals").path("Function").path("FunctionUrlConfig");
    if (!globals.isMissingNode()) {
      functionUrl("Globals.Function", "the function URL of every function (Globals)", globals,
          List.of("Globals", "Function", "FunctionUrlConfig"), values, findings);
    }
  }

  private static void bucket(
      String id, JsonNode properties, List<String> at, TemplateValues values, List<Finding> findings) {
    for (Located acl : values.located(properties.get("AccessControl"), TemplateValues.append(at, "AccessControl"))) {
      if (PUBLIC_ACLS.contains(acl.value().strip().toLowerCase(Locale.ROOT))) {
        findings.add(
            new Finding(
                Severity.HIGH, "S3PublicAccess", id,
                "bucket " + id + " has the ACL " + acl.value() + ", which lets "
                    + (acl.value().equalsIgnoreCase("AuthenticatedRead") ? "any AWS account" : "anyone") + " read its objects",
                "remove AccessControl; serve public content through CloudFront with origin access control")
                .at(acl.path()));
      }
    }
    JsonNode block = properties.path("PublicAccessBlockConfiguration");
    List<String> blockAt = TemplateValues.append(at, "PublicAccessBlockConfiguration");
    if (block.isObject()) {
      // a flag left out of a configuration that is given is false (S3 API Reference, PublicAccessBlockConfiguration)
      List<String> missing = BLOCK_PUBLIC_ACCESS.stream().filter(flag -> !block.has(flag)).toList();
      if (!missing.isEmpty() && block.size() == BLOCK_PUBLIC_ACCESS.size() - missing.size()) {
        findings.add(
            new Finding(
                Severity.HIGH, "S3PublicAccess", id,
                "bucket " + id + " gives PublicAccessBlockConfiguration without " + String.join(", ", missing)
                    + ", which are then false: Block Public Access is partly off",
                "set all four flags to true, or leave PublicAccessBlockConfiguration out: new buckets block public access")
                .at(blockAt));
      }
    }
    for (String flag : BLOCK_PUBLIC_ACCESS) {
      for (Located value : values.located(block.get(flag), TemplateValues.append(blockAt, flag))) {
        if (value.value().strip().equalsIgnoreCase("false")) {
          findings.add(
              new Finding(
                  Severity.HIGH, "S3PublicAccess", id,
                  "bucket " + id + " turns off Block Public Access (" + flag + ": false)",
                  "set " + flag + ": true, or leave PublicAccessBlockConfiguration out: new buckets block public access")
                  .at(value.path()));
          break;
        }
      }
    }
  }

  private static void permission(
      String id, JsonNode properties, List<String> at, TemplateValues values, List<Finding> findings) {
    boolean anyone = values.strings(properties.get("Principal")).stream().anyMatch(p -> p.strip().equals("*"));
    if (!anyone) {
      return;
    }
    boolean urlWithoutAuth =
        values.strings(properties.get("FunctionUrlAuthType")).stream().anyMatch(t -> t.strip().equalsIgnoreCase("NONE"));
    if (urlWithoutAuth) {
      findings.add(
          new Finding(
              Severity.HIGH, "PublicFunctionUrl", id,
              "permission " + id + " lets anyone call the function URL of "
                  + TemplateValues.readable(String.join(", ", values.strings(properties.get("FunctionName")))) + " without authentication",
              "use FunctionUrlAuthType: AWS_IAM, or put the function behind API Gateway with an authorizer")
              .at(TemplateValues.append(at, "FunctionUrlAuthType")));
      return;
    }
    for (String key : List.of("SourceArn", "SourceAccount", "PrincipalOrgID")) {
      List<String> candidates = values.strings(properties.get(key));
      if (!candidates.isEmpty() && candidates.stream().allMatch(PublicAccessRules::fixed)) {
        return;
      }
    }
    findings.add(
        new Finding(
            Severity.HIGH, "PublicPrincipal", id,
            "permission " + id + " lets anyone (Principal: \"*\") call " + String.join(", ", values.strings(properties.get("Action")))
                + " on " + TemplateValues.readable(String.join(", ", values.strings(properties.get("FunctionName"))))
                + " without a fixed SourceArn, SourceAccount or PrincipalOrgID",
            "name the calling service or account as Principal, with a fixed SourceArn or SourceAccount")
            .at(TemplateValues.append(at, "Principal")));
  }

  private static boolean fixed(String value) {
    String v = value.strip();
    String[] arn = v.split(":", 6);
    if (arn.length == 6 && arn[0].equalsIgnoreCase("arn")) {
      return arn[4].isEmpty() ? !arn[5].isEmpty() && !arn[5].startsWith("*") : !arn[4].contains("*");
    }
    return !v.isEmpty() && !v.contains("*") && !v.contains("?");
  }

  private static void functionUrl(
      String id, String what, JsonNode config, List<String> at, TemplateValues values, List<Finding> findings) {
    for (Located authType : values.located(config.get("AuthType"), TemplateValues.append(at, "AuthType"))) {
      if (authType.value().strip().equalsIgnoreCase("NONE")) {
        findings.add(
            new Finding(
                Severity.HIGH, "PublicFunctionUrl", id,
                what + " has AuthType NONE: anyone on the internet can invoke it",
                "use AuthType: AWS_IAM, or put the function behind API Gateway with an authorizer")
                .at(authType.path()));
        return;
      }
    }
  }

  private static void database(
      String id, String type, JsonNode properties, List<String> at, TemplateValues values, List<Finding> findings) {
    JsonNode flag = properties.get("PubliclyAccessible");
    List<String> flagAt = TemplateValues.append(at, "PubliclyAccessible");
    if (flag == null && type.equals("AWS::DMS::ReplicationInstance")) {
      findings.add(
          new Finding(
              Severity.HIGH, "PublicDatabase", id,
              "DMS replication instance " + id + " does not set PubliclyAccessible, which defaults to true",
              "set PubliclyAccessible: false")
              .at(List.of("Resources", id, "Type")));
      return;
    }
    for (Located value : values.located(flag, flagAt)) {
      if (value.value().strip().equalsIgnoreCase("true")) {
        findings.add(
            new Finding(
                Severity.HIGH, "PublicDatabase", id,
                DATABASES.get(type) + " " + id + " is publicly accessible (PubliclyAccessible: true)",
                "set PubliclyAccessible: false and reach it from inside the VPC")
                .at(value.path()));
        return;
      }
    }
  }
}

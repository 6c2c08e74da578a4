package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Security: IAM {@code "*"} actions or resources, {@code NotAction}, public principals, public S3
 * access, ingress from {@code 0.0.0.0/0} or {@code ::/0}. Sources: AWS Security Hub controls IAM.1,
 * S3.8, EC2.19.
 */
public final class SecurityRules implements TemplateRule {
  private static final Set<Integer> ADMIN_PORTS = Set.of(22, 3389);

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    checkSecurity(template.root().get("Resources"), findings);
  }

  private static void checkSecurity(JsonNode resources, List<Finding> findings) {
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      String id = resource.getKey();
      String type = resource.getValue().path("Type").asText();
      JsonNode properties = resource.getValue().path("Properties");
      checkPolicyStatements(id, properties, findings);
      if (type.equals("AWS::S3::Bucket")) {
        checkBucket(id, properties, findings);
      }
      if (type.equals("AWS::EC2::SecurityGroup")) {
        for (JsonNode rule : properties.path("SecurityGroupIngress")) {
          checkIngress(id, rule, findings);
        }
      }
      if (type.equals("AWS::EC2::SecurityGroupIngress")) {
        checkIngress(id, properties, findings);
      }
    }
  }

  private static void checkPolicyStatements(String id, JsonNode node, List<Finding> findings) {
    if (node.isArray()) {
      node.forEach(child -> checkPolicyStatements(id, child, findings));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().equals("AssumeRolePolicyDocument")) {
        continue; // trust policies name principals, not permissions
      }
      if (field.getKey().equals("Statement")) {
        JsonNode statements = field.getValue();
        for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
          checkStatement(id, statement, findings);
        }
      } else {
        checkPolicyStatements(id, field.getValue(), findings);
      }
    }
  }

  private static void checkStatement(String id, JsonNode statement, List<Finding> findings) {
    if (!"Allow".equals(statement.path("Effect").asText())) {
      return;
    }
    for (String action : texts(statement.get("Action"))) {
      if (action.equals("*")) {
        findings.add(
            new Finding(
                Severity.HIGH, "IamWildcardAction", id,
                "a policy allows every action (\"Action\": \"*\")",
                "list the actions the workload calls, e.g. dynamodb:GetItem, dynamodb:PutItem"));
      } else if (action.endsWith(":*")) {
        findings.add(
            new Finding(
                Severity.MEDIUM, "IamServiceWildcardAction", id,
                "a policy allows every action of a service (" + action + ")",
                "list the actions of that service the workload calls"));
      }
    }
    if (statement.has("NotAction")) {
      findings.add(
          new Finding(
              Severity.MEDIUM, "IamNotAction", id, "a policy allows with NotAction",
              "allow an explicit list of actions instead"));
    }
    if (texts(statement.get("Resource")).contains("*")) {
      findings.add(
          new Finding(
              Severity.MEDIUM, "IamWildcardResource", id,
              "a policy applies to every resource (\"Resource\": \"*\")",
              "scope Resource to ARNs, e.g. !GetAtt Table.Arn"));
    }
    JsonNode principal = statement.get("Principal");
    if (principal != null
        && (principal.asText().equals("*") || texts(principal.get("AWS")).contains("*"))
        && !statement.has("Condition")) {
      findings.add(
          new Finding(
              Severity.HIGH, "PublicPrincipal", id,
              "a resource policy allows anyone (\"Principal\": \"*\") without a condition",
              "name the account or role principals, or add a Condition such as aws:SourceArn"));
    }
  }

  private static void checkBucket(String id, JsonNode properties, List<Finding> findings) {
    String acl = properties.path("AccessControl").asText("");
    if (acl.startsWith("Public") || acl.equals("AuthenticatedRead")) {
      findings.add(
          new Finding(
              Severity.HIGH, "S3PublicAccess", id, "bucket ACL " + acl + " makes objects public",
              "remove AccessControl; serve public content through CloudFront with origin access control"));
    }
    JsonNode block = properties.get("PublicAccessBlockConfiguration");
    if (block == null) {
      findings.add(
          new Finding(
              Severity.LOW, "S3BlockPublicAccessNotExplicit", id,
              "bucket does not state its Block Public Access settings",
              "set PublicAccessBlockConfiguration with all four flags true"));
    } else {
      for (String flag :
          List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
        JsonNode value = block.get(flag);
        if (value != null && !value.asBoolean(true)) {
          findings.add(
              new Finding(
                  Severity.HIGH, "S3PublicAccess", id, "Block Public Access " + flag + " is false",
                  "set " + flag + ": true"));
        }
      }
    }
  }

  private static void checkIngress(String id, JsonNode rule, List<Finding> findings) {
    String cidr = rule.path("CidrIp").asText(rule.path("CidrIpv6").asText(""));
    if (!cidr.equals("0.0.0.0/0") && !cidr.equals("::/0")) {
      return;
    }
    int from = rule.path("FromPort").asInt(-1);
    int to = rule.path("ToPort").asInt(from);
    boolean allPorts = rule.path("IpProtocol").asText().equals("-1") || from < 0 || to - from > 0 && from <= 22 && to >= 3389;
    boolean admin = allPorts || ADMIN_PORTS.stream().anyMatch(p -> p >= from && p <= to);
    findings.add(
        new Finding(
            admin ? Severity.HIGH : Severity.MEDIUM, "OpenIngress", id,
            "ingress from " + cidr + (allPorts ? " on all ports" : " on ports " + from + "-" + to),
            admin
                ? "never open SSH/RDP or all ports to the internet; use Session Manager or a VPN CIDR"
                : "restrict the source, e.g. to a load balancer's security group"));
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }
}

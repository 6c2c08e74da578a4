package dev.gantry.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.hash.Sha256;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static checks of a CloudFormation template, with no AWS call: structure (it parses; {@code
 * Resources} is present; every {@code Ref}, {@code Fn::GetAtt}, {@code Fn::Sub} variable and
 * {@code DependsOn} names a resource, parameter or pseudo parameter; resource types are of the form
 * {@code AWS::Service::Type}) and security (IAM {@code "*"} actions or resources, public S3
 * access, ingress from {@code 0.0.0.0/0} or {@code ::/0}).
 *
 * <p>Sources: AWS CloudFormation User Guide, "Template anatomy", "Pseudo parameters reference",
 * "Fn::Sub"; AWS Security Hub controls IAM.1 / S3.8 / EC2.19 for the security rules.
 */
public final class TemplateValidator {
  /** CloudFormation pseudo parameters, valid targets of {@code Ref} and {@code ${}}. */
  public static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
          "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

  private static final Pattern RESOURCE_TYPE =
      Pattern.compile(
          "(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?|Custom::[A-Za-z0-9_@-]{1,60}");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
  private static final Set<Integer> ADMIN_PORTS = Set.of(22, 3389);

  private final TemplateParser parser = new TemplateParser();

  /**
   * Validates a template.
   *
   * @param name the template's document name, for the report
   * @param text the template text
   */
  public ValidationReport validate(String name, String text) {
    String sha256 = Sha256.hex(text);
    TemplateParser.Parsed parsed;
    try {
      parsed = parser.parse(text);
    } catch (TemplateParser.TemplateSyntaxException e) {
      Finding f =
          new Finding(
              Severity.ERROR,
              "TemplateSyntax",
              e.line() > 0 ? "line " + e.line() : "template",
              e.getMessage(),
              "fix the syntax; YAML short forms such as !Ref and !GetAtt are accepted");
      return new ValidationReport(name, sha256, null, 0, false, List.of(f));
    }
    List<Finding> findings = new ArrayList<>();
    JsonNode root = parsed.root();
    JsonNode resources = root == null ? null : root.get("Resources");
    int resourceCount = 0;
    if (root == null || !root.isObject()) {
      findings.add(
          new Finding(
              Severity.ERROR, "TemplateNotObject", "template", "the template is not a mapping",
              "write the template as a JSON object or YAML mapping with a Resources section"));
    } else if (resources == null || !resources.isObject() || resources.isEmpty()) {
      findings.add(
          new Finding(
              Severity.ERROR, "MissingResources", "Resources",
              "the template has no Resources section, or it is empty",
              "declare at least one resource under Resources"));
    } else {
      resourceCount = resources.size();
      Set<String> resourceIds = names(resources);
      Set<String> parameterIds = names(root.get("Parameters"));
      checkTypes(resources, findings);
      checkReferences(root, resourceIds, parameterIds, findings);
      checkSecurity(resources, findings);
    }
    findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::location));
    boolean passed = findings.stream().noneMatch(f -> f.severity().blocking());
    return new ValidationReport(
        name, sha256, parsed.format().name(), resourceCount, passed, findings);
  }

  private static Set<String> names(JsonNode section) {
    Set<String> ids = new HashSet<>();
    if (section != null && section.isObject()) {
      section.fieldNames().forEachRemaining(ids::add);
    }
    return ids;
  }

  private static void checkTypes(JsonNode resources, List<Finding> findings) {
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      JsonNode type = resource.getValue().get("Type");
      if (type == null || !type.isTextual()) {
        findings.add(
            new Finding(
                Severity.ERROR, "MissingResourceType", resource.getKey(),
                "resource has no Type", "add Type: AWS::Service::Resource"));
      } else if (!RESOURCE_TYPE.matcher(type.asText()).matches()) {
        findings.add(
            new Finding(
                Severity.ERROR, "InvalidResourceType", resource.getKey(),
                "resource type '" + type.asText() + "' is not of the form AWS::Service::Resource",
                "use a type from the AWS resource and property types reference"));
      }
    }
  }

  private static void checkReferences(
      JsonNode root, Set<String> resourceIds, Set<String> parameterIds, List<Finding> findings) {
    for (String section : List.of("Resources", "Outputs", "Conditions")) {
      JsonNode node = root.get(section);
      if (node == null || !node.isObject()) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String where = section.equals("Resources") ? entry.getKey() : section + "." + entry.getKey();
        walkReferences(entry.getValue(), where, resourceIds, parameterIds, findings);
        JsonNode dependsOn = entry.getValue().get("DependsOn");
        if (section.equals("Resources") && dependsOn != null) {
          for (JsonNode target : dependsOn.isArray() ? dependsOn : List.of(dependsOn)) {
            if (!resourceIds.contains(target.asText())) {
              findings.add(
                  new Finding(
                      Severity.ERROR, "UnknownDependsOn", where,
                      "DependsOn names '" + target.asText() + "', which is not a resource",
                      "name a logical id declared under Resources"));
            }
          }
        }
      }
    }
  }

  private static void walkReferences(
      JsonNode node, String where, Set<String> resourceIds, Set<String> parameterIds,
      List<Finding> findings) {
    if (node.isArray()) {
      node.forEach(child -> walkReferences(child, where, resourceIds, parameterIds, findings));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    if (node.size() == 1) {
      JsonNode ref = node.get("Ref");
      if (ref != null && ref.isTextual()) {
        String target = ref.asText();
        if (!resourceIds.contains(target)
            && !parameterIds.contains(target)
            && !PSEUDO_PARAMETERS.contains(target)) {
          findings.add(unknownTarget(where, "Ref", target));
        }
        return;
      }
      JsonNode getAtt = node.get("Fn::GetAtt");
      if (getAtt != null) {
        String target =
            getAtt.isArray() && getAtt.size() > 0 ? getAtt.get(0).asText() : getAtt.asText();
        if (!resourceIds.contains(target)) {
          findings.add(unknownTarget(where, "Fn::GetAtt", target));
        }
      }
      JsonNode sub = node.get("Fn::Sub");
      if (sub != null) {
        checkSub(sub, where, resourceIds, parameterIds, findings);
      }
    }
    node.forEach(child -> walkReferences(child, where, resourceIds, parameterIds, findings));
  }

  private static void checkSub(
      JsonNode sub, String where, Set<String> resourceIds, Set<String> parameterIds,
      List<Finding> findings) {
    String text;
    Set<String> variables = new HashSet<>();
    if (sub.isTextual()) {
      text = sub.asText();
    } else if (sub.isArray() && sub.size() == 2 && sub.get(0).isTextual()) {
      text = sub.get(0).asText();
      variables.addAll(names(sub.get(1)));
    } else {
      return;
    }
    Matcher m = SUB_VARIABLE.matcher(text);
    while (m.find()) {
      String variable = m.group(1).strip();
      String base = variable.contains(".") ? variable.substring(0, variable.indexOf('.')) : variable;
      boolean known =
          variables.contains(variable)
              || PSEUDO_PARAMETERS.contains(variable)
              || resourceIds.contains(base)
              || (parameterIds.contains(variable));
      if (!known) {
        findings.add(unknownTarget(where, "Fn::Sub", variable));
      }
    }
  }

  private static Finding unknownTarget(String where, String function, String target) {
    return new Finding(
        Severity.ERROR, "UnknownReference", where,
        function + " names '" + target + "', which is not a resource, parameter or pseudo parameter",
        "declare '" + target + "' under Resources or Parameters, or fix the name");
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

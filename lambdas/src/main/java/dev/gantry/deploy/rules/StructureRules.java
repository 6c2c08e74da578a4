package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structure: resource types are of the form {@code AWS::Service::Type}; every {@code Ref}, {@code
 * Fn::GetAtt}, {@code Fn::Sub} variable and {@code DependsOn} names a resource, parameter or pseudo
 * parameter. Sources: AWS CloudFormation User Guide, "Template anatomy", "Pseudo parameters
 * reference", "Fn::Sub".
 */
public final class StructureRules implements TemplateRule {
  /** CloudFormation pseudo parameters, valid targets of {@code Ref} and {@code ${}}. */
  public static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
          "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

  private static final Pattern RESOURCE_TYPE =
      Pattern.compile(
          "(AWS|Alexa)::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?|Custom::[A-Za-z0-9_@-]{1,60}");
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    JsonNode root = template.root();
    JsonNode resources = root.get("Resources");
    Set<String> resourceIds = names(resources);
    Set<String> parameterIds = names(root.get("Parameters"));
    checkTypes(resources, findings);
    checkReferences(root, resourceIds, parameterIds, findings);
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

}

package dev.gantry.deploy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Well-Architected serverless practices worth a reviewer's glance, never blocking (LOW):
 *
 * <ul>
 *   <li>{@code LambdaLogRetention}: a function without a log group that has a retention period,
 *       declared as {@code AWS::Logs::LogGroup} named {@code /aws/lambda/<function>} or named by
 *       {@code LoggingConfig.LogGroup}. Without one Lambda creates {@code /aws/lambda/<function>} on
 *       first use, keeps its logs forever, and the stack does not own or delete it. AWS
 *       Well-Architected Serverless Applications Lens, operational excellence ("centralized and
 *       structured logging"); AWS Control Tower CT.CLOUDWATCH.PR.2 and the AWS Config rule
 *       cw-loggroup-retention-period-check (a log group states its retention).
 *   <li>{@code DynamoDbPointInTimeRecovery}: a DynamoDB table without point-in-time recovery
 *       (Serverless Applications Lens, reliability: back up data; Security Hub DynamoDB.2).
 * </ul>
 */
public final class ServerlessLensRules implements TemplateRule {
  /** The rule ids this family reports. */
  public static final Set<String> RULE_IDS = Set.of("LambdaLogRetention", "DynamoDbPointInTimeRecovery");

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    LanguageExtensions.checkExpanded(template, List.of(this::checkResources), findings);
  }

  private void checkResources(TemplateModel template, List<Finding> findings) {
    TemplateValues values = new TemplateValues(template.root());
    JsonNode resources = template.resources();
    Map<String, JsonNode> logGroups = new LinkedHashMap<>();
    Map<String, String> logGroupByName = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      if (resource.getValue().path("Type").asText().equals("AWS::Logs::LogGroup")) {
        logGroups.put(resource.getKey(), resource.getValue().path("Properties"));
        for (String name : values.strings(resource.getValue().path("Properties").get("LogGroupName"))) {
          logGroupByName.putIfAbsent(name.strip(), resource.getKey());
        }
        logGroupByName.putIfAbsent(TemplateValues.placeholder(resource.getKey()), resource.getKey());
      }
    }
    Set<String> reportedGroups = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> resource = it.next();
      String id = resource.getKey();
      String type = resource.getValue().path("Type").asText();
      JsonNode properties = resource.getValue().path("Properties");
      switch (type) {
        case "AWS::Lambda::Function", "AWS::Serverless::Function" -> {
          JsonNode logging = properties.path("LoggingConfig").path("LogGroup");
          if (logging.isMissingNode() && type.equals("AWS::Serverless::Function")) {
            logging = template.root().path("Globals").path("Function").path("LoggingConfig").path("LogGroup");
          }
          List<String> names = new ArrayList<>();
          if (logging.isMissingNode()) {
            names.add("/aws/lambda/" + TemplateValues.placeholder(id));
            values.strings(properties.get("FunctionName")).forEach(n -> names.add("/aws/lambda/" + n.strip()));
          } else {
            values.strings(logging).forEach(n -> names.add(n.strip()));
          }
          String group = names.stream().map(logGroupByName::get).filter(g -> g != null).findFirst().orElse(null);
          if (group == null && logging.isMissingNode()) {
            findings.add(
                new Finding(
                    Severity.LOW, "LambdaLogRetention", id,
                    "function " + id + " has no log group with a retention period: Lambda creates one on first use, outside the stack, and keeps its logs forever",
                    "declare an AWS::Logs::LogGroup named !Sub /aws/lambda/${" + id + "} with RetentionInDays, or set LoggingConfig.LogGroup")
                    .at(List.of("Resources", id)));
          } else if (group != null && !logGroups.get(group).has("RetentionInDays") && reportedGroups.add(group)) {
            findings.add(
                new Finding(
                    Severity.LOW, "LambdaLogRetention", group,
                    "log group " + group + " of function " + id + " has no RetentionInDays, so its logs are kept forever",
                    "set RetentionInDays, e.g. 30 or 365")
                    .at(List.of("Resources", group)));
          }
        }
        case "AWS::DynamoDB::Table" -> {
          JsonNode enabled = properties.path("PointInTimeRecoverySpecification").get("PointInTimeRecoveryEnabled");
          if (!values.lowerStrings(enabled).contains("true")) {
            findings.add(pitr(id, enabled == null ? List.of("Resources", id, "Properties")
                : List.of("Resources", id, "Properties", "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled"),
                "set PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}"));
          }
        }
        case "AWS::DynamoDB::GlobalTable" -> {
          JsonNode replicas = properties.path("Replicas");
          boolean all = replicas.isArray() && !replicas.isEmpty();
          for (JsonNode replica : replicas) {
            all &= values.lowerStrings(replica.path("PointInTimeRecoverySpecification").get("PointInTimeRecoveryEnabled"))
                .contains("true");
          }
          if (!all) {
            findings.add(pitr(id, List.of("Resources", id, "Properties", "Replicas"), "set PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true} on every replica"));
          }
        }
        case "AWS::Serverless::SimpleTable" ->
            findings.add(pitr(id, List.of("Resources", id), "use AWS::DynamoDB::Table with PointInTimeRecoverySpecification: {PointInTimeRecoveryEnabled: true}; SimpleTable cannot enable it"));
        default -> { }
      }
    }
  }

  private static Finding pitr(String id, List<String> path, String fix) {
    return new Finding(
        Severity.LOW, "DynamoDbPointInTimeRecovery", id,
        "DynamoDB table " + id + " has no point-in-time recovery: a bad write or delete cannot be undone",
        fix)
        .at(path);
  }
}

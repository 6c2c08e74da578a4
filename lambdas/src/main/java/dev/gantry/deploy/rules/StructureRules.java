package dev.gantry.deploy.rules;

import static dev.gantry.deploy.rules.TemplateValues.append;

import dev.gantry.deploy.spec.DidYouMean;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Structure, as CloudFormation checks it before it creates anything (and as {@code cfn-lint}'s
 * structure rules check it): sections, logical ids, parameter types and defaults, {@code Ref},
 * {@code Fn::GetAtt}, {@code Fn::Sub}, {@code DependsOn}, {@code Fn::FindInMap} and conditions name
 * what the template declares, conditions are made of condition functions, {@code AWS::NoValue}
 * only where {@code Fn::If} returns it, {@code Rules} assertions name parameters, and resources do
 * not depend on each other in a cycle.
 *
 * <p>Names a transform generates are known: the resources of the SAM transform ({@link
 * SamResources}) and the loops of {@code AWS::LanguageExtensions} ({@link LanguageExtensions}). A
 * template with any other transform (a macro) is expanded only by CloudFormation, so it gets one
 * INFO finding and no other. Resource types are checked only for their form here; whether a type
 * exists is the resource specification's business. Sources: AWS CloudFormation User Guide,
 * "Template anatomy", "Intrinsic function reference", "Condition functions", "Rules syntax",
 * "Parameters syntax", "Pseudo parameters reference", "DependsOn attribute", "DeletionPolicy
 * attribute".
 */
public final class StructureRules implements TemplateRule {
  /** CloudFormation pseudo parameters, valid targets of {@code Ref} and {@code ${}}. */
  public static final Set<String> PSEUDO_PARAMETERS =
      Set.of(
          "AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
          "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix");

  /** The ids of the findings this rule reports. */
  public static final Set<String> RULE_IDS =
      Set.of(
          "UnknownSection", "InvalidFormatVersion", "InvalidLogicalId", "DuplicateLogicalId",
          "MissingResourceType", "InvalidResourceType", "ServerlessTransformRequired",
          "LanguageExtensionsRequired", "InvalidForEach", "ForEachNotExpanded", "ForEachTooLarge", "MacroTransform",
          "UnknownReference", "UnknownDependsOn", "InvalidDependsOn", "DependsOnSelf", "DuplicateDependsOn",
          "UnknownCondition", "InvalidCondition", "ConditionCycle", "UnknownMapping", "UnknownMappingKey",
          "InvalidFunction", "NoValueOutsideIf", "InvalidParameterType", "InvalidParameterDefault",
          "InvalidRule", "InvalidDeletionPolicy", "DependencyCycle");

  /** The language extensions transform. */
  static final String LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";

  private static final List<String> SECTIONS =
      List.of(
          "AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules", "Mappings",
          "Conditions", "Transform", "Resources", "Outputs", "Hooks", "Globals");
  private static final Set<String> KNOWN_TRANSFORMS = Set.of(SamResources.TRANSFORM, LANGUAGE_EXTENSIONS);
  private static final Pattern LOGICAL_ID = Pattern.compile("[A-Za-z0-9]{1,255}");
  private static final Pattern RESOURCE_TYPE =
      Pattern.compile("[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9]+(::[A-Za-z0-9]+)?|Custom::[A-Za-z0-9_@-]{1,60}");
  /** A {@code ${Name}} or {@code ${Name.Attribute}} variable of {@code Fn::Sub} ({@code ${!Literal}} is not one). */
  static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");
  private static final Set<String> CONDITION_FUNCTIONS =
      Set.of("Fn::And", "Fn::Or", "Fn::Not", "Fn::Equals", "Fn::If", "Condition");
  private static final Set<String> RULE_FUNCTIONS =
      Set.of("Fn::Contains", "Fn::EachMemberEquals", "Fn::EachMemberIn", "Fn::RefAll", "Fn::ValueOf", "Fn::ValueOfAll");
  private static final List<String> DELETION_POLICIES = List.of("Delete", "Retain", "RetainExceptOnCreate", "Snapshot");
  private static final List<String> UPDATE_REPLACE_POLICIES = List.of("Delete", "Retain", "Snapshot");
  /** SAM properties whose references belong to resources SAM generates, not to the function itself. */
  private static final Set<String> SAM_DETACHED_PROPERTIES = Set.of("Events", "DeploymentPreference");
  /** SAM types whose properties belong to the resource of the same logical id. */
  private static final Set<String> SAM_ATTACHED_TYPES =
      Set.of("AWS::Serverless::Api", "AWS::Serverless::HttpApi", "AWS::Serverless::SimpleTable",
          "AWS::Serverless::Application", "AWS::Serverless::LayerVersion");

  @Override
  public void check(TemplateModel template, List<Finding> findings) {
    List<Finding> found = new ArrayList<>();
    new Run(template, found).run();
    Set<List<Object>> seen = new HashSet<>();
    for (Finding finding : found) {
      if (seen.add(List.of(finding.rule(), finding.path(), finding.message()))) {
        findings.add(finding);
      }
    }
  }

  /**
   * Where a walk is.
   *
   * @param section the template section
   * @param entry the resource, output, condition or rule
   * @param owner the resource that depends on what is named here, or null
   * @param enclosing the nearest intrinsic function around here, or null
   */
  private record Context(String section, String entry, String owner, String enclosing) {
    Context(String section, String entry, String owner) {
      this(section, entry, owner, null);
    }

    Context within(String function) {
      return new Context(section, entry, owner, function);
    }

    Context detached() {
      return new Context(section, entry, null, enclosing);
    }

    boolean in(String name) {
      return section.equals(name);
    }

    /** Conditions and Rules name only parameters and pseudo parameters. */
    boolean parametersOnly() {
      return in("Conditions") || in("Rules");
    }
  }

  /** One check of one template. */
  private static final class Run {
    private final TemplateModel template;
    private final List<Finding> findings;
    private final JsonNode original;
    private LanguageExtensions.Expanded expanded;
    private JsonNode root;
    private boolean languageExtensions;
    private SamResources sam = SamResources.none();
    private final Map<String, JsonNode> resources = new LinkedHashMap<>();
    private final Map<String, JsonNode> parameters = new LinkedHashMap<>();
    private final Map<String, JsonNode> conditions = new LinkedHashMap<>();
    private final Map<String, JsonNode> mappings = new LinkedHashMap<>();
    private final List<Pattern> unexpanded = new ArrayList<>();
    private final List<String> modules = new ArrayList<>();
    private final Map<String, Map<String, List<String>>> dependencies = new LinkedHashMap<>();
    private final Map<String, Map<String, List<String>>> conditionDependencies = new LinkedHashMap<>();

    Run(TemplateModel template, List<Finding> findings) {
      this.template = template;
      this.findings = findings;
      this.original = template.root();
    }

    void run() {
      if (macro()) {
        return;
      }
      checkSections();
      Set<String> transforms = template.transforms();
      languageExtensions = transforms.contains(LANGUAGE_EXTENSIONS);
      expanded = LanguageExtensions.expand(original, languageExtensions, findings);
      root = expanded.root();
      collect(root.path("Resources"), resources);
      collect(root.path("Parameters"), parameters);
      collect(root.path("Conditions"), conditions);
      collect(root.path("Mappings"), mappings);
      resources.keySet().stream().filter(LanguageExtensions::unresolved)
          .forEach(id -> unexpanded.add(LanguageExtensions.pattern(id)));
      conditions.keySet().stream().filter(LanguageExtensions::unresolved)
          .forEach(id -> unexpanded.add(LanguageExtensions.pattern(id)));
      // a module's resources are named after it: <module logical id><resource logical id in the module>
      resources.forEach((id, resource) -> {
        if (resource.path("Type").asText().endsWith("::MODULE")) {
          modules.add(id);
        }
      });
      if (transforms.contains(SamResources.TRANSFORM)) {
        sam = SamResources.of(root);
      } else if (root.has("Globals")) {
        add(Severity.ERROR, "ServerlessTransformRequired", "Globals",
            "Globals is a section of SAM templates, and the template does not declare the SAM transform",
            "add Transform: " + SamResources.TRANSFORM, List.of("Globals"));
      }
      parameters.forEach((name, parameter) -> {
        logicalId("Parameters", name);
        ParameterChecks.check(name, parameter, findings);
      });
      mappings.keySet().forEach(name -> logicalId("Mappings", name));
      conditions.forEach(this::checkCondition);
      resources.keySet().forEach(id -> dependencies.put(id, new LinkedHashMap<>()));
      resources.forEach(this::checkResource);
      root.path("Outputs").fields().forEachRemaining(o -> checkOutput(o.getKey(), o.getValue()));
      root.path("Rules").fields().forEachRemaining(r -> checkRule(r.getKey(), r.getValue()));
      if (root.has("Globals")) {
        visit(root.get("Globals"), List.of("Globals"), new Context("Globals", "Globals", null));
      }
      checkCycles();
    }

    // ---- sections and transforms

    private void checkSections() {
      original.fieldNames().forEachRemaining(section -> {
        if (!SECTIONS.contains(section)) {
          Optional<String> close = DidYouMean.closest(section, SECTIONS);
          add(Severity.ERROR, "UnknownSection", section,
              "'" + section + "' is not a template section" + didYouMean(close),
              close.map(c -> "rename it " + c).orElse("remove it, or move it under Metadata"), List.of(section));
        }
      });
      JsonNode version = original.get("AWSTemplateFormatVersion");
      if (version != null && !version.asText().equals("2010-09-09")) {
        add(Severity.ERROR, "InvalidFormatVersion", "AWSTemplateFormatVersion",
            "AWSTemplateFormatVersion is '" + version.asText() + "'; the only version is 2010-09-09",
            "write AWSTemplateFormatVersion: '2010-09-09', or leave it out", List.of("AWSTemplateFormatVersion"));
      }
    }

    /** Whether the template is a macro's input; if so it is reported once and not checked further. */
    private boolean macro() {
      List<String> macros = template.transforms().stream().filter(t -> !KNOWN_TRANSFORMS.contains(t)).toList();
      if (!macros.isEmpty()) {
        add(Severity.INFO, "MacroTransform", "Transform",
            "Transform names " + String.join(", ", macros) + ", which is expanded only by CloudFormation:"
                + " references and types are checked after expansion there",
            "nothing to do; CloudFormation reports what the expanded template gets wrong when it makes the change set",
            List.of("Transform"));
        return true;
      }
      for (String section : List.of("Parameters", "Mappings", "Conditions", "Resources", "Outputs")) {
        JsonNode node = original.path(section);
        List<String> at = node.has("Fn::Transform") ? List.of(section, "Fn::Transform") : null;
        for (var it = node.fields(); at == null && it.hasNext(); ) {
          var entry = it.next();
          if (entry.getValue().has("Fn::Transform")) {
            at = List.of(section, entry.getKey(), "Fn::Transform");
          }
        }
        if (at != null) {
          add(Severity.INFO, "MacroTransform", String.join(".", at.subList(0, at.size() - 1)),
              "Fn::Transform in " + section + " is expanded only by CloudFormation:"
                  + " references and types are checked after expansion there",
              "nothing to do; CloudFormation reports what the expanded template gets wrong", at);
          return true;
        }
      }
      return false;
    }

    private void logicalId(String section, String name) {
      if (!LanguageExtensions.unresolved(name) && !LOGICAL_ID.matcher(name).matches()) {
        add(Severity.ERROR, "InvalidLogicalId", section.equals("Resources") ? name : section + "." + name,
            "'" + name + "' is not a valid logical id: only letters A-Z, a-z and digits, at most 255",
            name.contains("${") || !section.equals("Resources") ? "remove the other characters"
                : "remove the other characters (in Fn::ForEach output keys, &{Identifier} drops them from the value)",
            List.of(section, name));
      }
    }

    // ---- resources

    private void checkResource(String id, JsonNode resource) {
      List<String> path = List.of("Resources", id);
      String location = readable(id);
      logicalId("Resources", id);
      JsonNode type = resource.path("Type");
      if (!type.isTextual()) {
        add(Severity.ERROR, "MissingResourceType", location, "resource has no Type",
            "add Type: AWS::Service::Resource", path);
      } else if (!RESOURCE_TYPE.matcher(type.asText()).matches()) {
        add(Severity.ERROR, "InvalidResourceType", location,
            "resource type '" + type.asText() + "' is not of the form AWS::Service::Resource",
            "use a type from the AWS resource and property types reference", append(path, "Type"));
      }
      if (type.isTextual() && type.asText().startsWith("AWS::Serverless::") && !serverless()) {
        add(Severity.ERROR, "ServerlessTransformRequired", location,
            type.asText() + " is a SAM resource type, and the template does not declare the SAM transform",
            "add Transform: " + SamResources.TRANSFORM, append(path, "Type"));
      }
      if (!resource.isObject()) {
        return;
      }
      checkDependsOn(id, resource.get("DependsOn"), path);
      if (resource.has("Condition")) {
        conditionReference(resource.get("Condition"), append(path, "Condition"),
            new Context("Resources", id, null), "Condition");
      }
      checkPolicy(id, resource.get("DeletionPolicy"), "DeletionPolicy", DELETION_POLICIES, path);
      checkPolicy(id, resource.get("UpdateReplacePolicy"), "UpdateReplacePolicy", UPDATE_REPLACE_POLICIES, path);
      Context context = new Context("Resources", id, id);
      String typeName = type.asText();
      boolean samWithEvents = typeName.equals("AWS::Serverless::Function")
          || typeName.equals("AWS::Serverless::StateMachine");
      // a connector, GraphQL or WebSocket API and later SAM types hand their properties to resources SAM
      // generates, which depend on what the properties name; the declared resource itself does not
      boolean samDetached = typeName.startsWith("AWS::Serverless::") && !samWithEvents
          && !SAM_ATTACHED_TYPES.contains(typeName);
      for (var it = resource.fields(); it.hasNext(); ) {
        var field = it.next();
        String key = field.getKey();
        List<String> at = append(path, key);
        switch (key) {
          case "Type", "DependsOn", "Condition", "DeletionPolicy", "UpdateReplacePolicy" -> { }
          case "Connectors" -> visit(field.getValue(), at, context.detached());
          case "Properties" -> {
            if (samDetached) {
              visit(field.getValue(), at, context.detached());
            } else if (samWithEvents && field.getValue().isObject()) {
              field.getValue().fields().forEachRemaining(property -> visit(property.getValue(),
                  append(at, property.getKey()),
                  SAM_DETACHED_PROPERTIES.contains(property.getKey()) ? context.detached() : context));
            } else {
              visit(field.getValue(), at, context);
            }
          }
          default -> visit(field.getValue(), at, context);
        }
      }
    }

    private boolean serverless() {
      return template.transforms().contains(SamResources.TRANSFORM);
    }

    private void checkDependsOn(String id, JsonNode dependsOn, List<String> resourcePath) {
      if (dependsOn == null) {
        return;
      }
      List<String> path = append(resourcePath, "DependsOn");
      Map<List<String>, JsonNode> targets = new LinkedHashMap<>();
      if (dependsOn.isArray()) {
        for (int i = 0; i < dependsOn.size(); i++) {
          targets.put(append(path, Integer.toString(i)), dependsOn.get(i));
        }
      } else {
        targets.put(path, dependsOn);
      }
      Set<String> seen = new HashSet<>();
      String location = readable(id);
      targets.forEach((at, target) -> {
        if (!target.isTextual()) {
          add(Severity.ERROR, "InvalidDependsOn", location,
              "DependsOn takes logical ids, not " + (target.isObject() ? "a function" : "'" + target + "'"),
              "write the logical id of a resource declared under Resources", at);
          return;
        }
        String name = target.asText();
        if (LanguageExtensions.unresolved(name)) {
          return;
        }
        if (name.equals(id)) {
          add(Severity.ERROR, "DependsOnSelf", location,
              "DependsOn names the resource itself, which CloudFormation refuses as a circular dependency",
              "remove '" + name + "' from DependsOn", at);
        } else if (!seen.add(name)) {
          add(Severity.LOW, "DuplicateDependsOn", location, "DependsOn names '" + name + "' more than once",
              "name each resource once", at);
        } else if (resources.containsKey(name) || sam.find(name).isPresent()) {
          depend(id, name, at);
        } else if (!unexpanded(name)) {
          Optional<String> close = DidYouMean.closest(name, resourceNames());
          add(Severity.ERROR, "UnknownDependsOn", location,
              "DependsOn names '" + name + "', which is not a resource" + didYouMean(close),
              sam.hint(name).orElse(close.map(c -> "use '" + c + "'")
                  .orElse("name a logical id declared under Resources")), at);
        }
      });
    }

    private void checkPolicy(String id, JsonNode policy, String attribute, List<String> allowed, List<String> path) {
      if (policy == null) {
        return;
      }
      List<String> at = append(path, attribute);
      if (policy.isTextual()) {
        if (!allowed.contains(policy.asText())) {
          Optional<String> close = DidYouMean.closest(policy.asText(), allowed);
          add(Severity.ERROR, "InvalidDeletionPolicy", readable(id),
              attribute + " is '" + policy.asText() + "', which is not one of " + allowed + didYouMean(close),
              "use " + close.orElse("Retain") + " (Snapshot only for resources that support it)", at);
        }
      } else if (policy.isObject()) {
        if (!languageExtensions) {
          add(Severity.ERROR, "LanguageExtensionsRequired", readable(id),
              attribute + " is given by a function, which CloudFormation accepts only with the AWS::LanguageExtensions"
                  + " transform", "add AWS::LanguageExtensions to Transform, or write " + allowed.get(1), at);
        }
        visit(policy, at, new Context("Resources", id, null));
      } else {
        add(Severity.ERROR, "InvalidDeletionPolicy", readable(id),
            attribute + " is not one of " + allowed, "use Retain or Delete", at);
      }
    }

    // ---- outputs, rules, conditions

    private void checkOutput(String name, JsonNode output) {
      List<String> path = List.of("Outputs", name);
      logicalId("Outputs", name);
      Context context = new Context("Outputs", name, null);
      for (var it = output.fields(); it.hasNext(); ) {
        var field = it.next();
        if (field.getKey().equals("Condition")) {
          conditionReference(field.getValue(), append(path, "Condition"), context, "Condition");
        } else {
          visit(field.getValue(), append(path, field.getKey()), context);
        }
      }
    }

    private void checkRule(String name, JsonNode rule) {
      List<String> path = List.of("Rules", name);
      String location = "Rules." + name;
      Context context = new Context("Rules", name, null);
      JsonNode assertions = rule.path("Assertions");
      if (!rule.isObject() || !assertions.isArray() || assertions.isEmpty()) {
        add(Severity.ERROR, "InvalidRule", location, "rule '" + name + "' has no list of Assertions",
            "give it Assertions: a list of {Assert: <condition>, AssertDescription: <text>}", path);
        visit(rule, path, context);
        return;
      }
      for (var it = rule.fields(); it.hasNext(); ) {
        var field = it.next();
        if (!field.getKey().equals("RuleCondition") && !field.getKey().equals("Assertions")) {
          add(Severity.ERROR, "InvalidRule", location,
              "rule '" + name + "' has '" + field.getKey() + "'; a rule has only RuleCondition and Assertions",
              "remove it, or move it into an assertion", append(path, field.getKey()));
        }
      }
      if (rule.has("RuleCondition")) {
        visit(rule.get("RuleCondition"), append(path, "RuleCondition"), context);
      }
      for (int i = 0; i < assertions.size(); i++) {
        JsonNode assertion = assertions.get(i);
        List<String> at = append(append(path, "Assertions"), Integer.toString(i));
        if (!assertion.has("Assert")) {
          add(Severity.ERROR, "InvalidRule", location, "assertion " + i + " of rule '" + name + "' has no Assert",
              "give it Assert: a rule function such as Fn::Contains or Fn::EachMemberIn", at);
        }
        visit(assertion, at, context);
      }
    }

    private void checkCondition(String name, JsonNode condition) {
      condition(condition, List.of("Conditions", name), new Context("Conditions", name, null));
    }

    /** A node that must be a condition: a condition function or a named condition. */
    private void condition(JsonNode node, List<String> path, Context context) {
      String location = "Conditions." + readable(context.entry());
      if (node.isBoolean() || node.asText().equalsIgnoreCase("true") || node.asText().equalsIgnoreCase("false")) {
        return; // a literal, as cfn-lint accepts it
      }
      if (!node.isObject() || node.size() != 1 || !CONDITION_FUNCTIONS.contains(node.fieldNames().next())) {
        add(Severity.ERROR, "InvalidCondition", location,
            "condition '" + readable(context.entry()) + "' uses " + describe(node)
                + " where a condition function belongs (Fn::And, Fn::Equals, Fn::If, Fn::Not, Fn::Or or Condition)",
            "write it as Fn::Equals: [a, b], or combine conditions with Fn::And, Fn::Or, Fn::Not", path);
        visit(node, path, context);
        return;
      }
      String function = node.fieldNames().next();
      JsonNode argument = node.get(function);
      List<String> at = append(path, function);
      switch (function) {
        case "Fn::And", "Fn::Or" -> {
          if (!argument.isArray() || argument.size() < 2 || argument.size() > 10) {
            add(Severity.ERROR, "InvalidCondition", location, function + " takes a list of 2 to 10 conditions",
                "list between 2 and 10 conditions", at);
          }
          conditions(argument, at, context);
        }
        case "Fn::Not" -> {
          if (!argument.isArray() || argument.size() != 1) {
            add(Severity.ERROR, "InvalidCondition", location, "Fn::Not takes a list of exactly one condition",
                "write Fn::Not: [<condition>]", at);
          }
          conditions(argument, at, context);
        }
        case "Fn::Equals" -> {
          if (!argument.isArray() || argument.size() != 2) {
            add(Severity.ERROR, "InvalidCondition", location, "Fn::Equals takes a list of two values",
                "write Fn::Equals: [a, b]", at);
          }
          visit(argument, at, context);
        }
        case "Condition" -> conditionReference(argument, at, context, "Condition");
        default -> visit(node, path, context); // Fn::If
      }
    }

    private void conditions(JsonNode list, List<String> path, Context context) {
      if (!list.isArray()) {
        visit(list, path, context);
        return;
      }
      for (int i = 0; i < list.size(); i++) {
        condition(list.get(i), append(path, Integer.toString(i)), context);
      }
    }

    /** A name that must be a declared condition: in Condition attributes, Fn::If and Condition. */
    private void conditionReference(JsonNode name, List<String> path, Context context, String function) {
      String location = location(context);
      if (!name.isTextual()) {
        add(Severity.ERROR, "InvalidCondition", location, function + " takes the name of a condition, not " + describe(name),
            "write the name of a condition declared under Conditions", path);
        return;
      }
      String condition = name.asText();
      if (LanguageExtensions.unresolved(condition) || unexpanded(condition)) {
        return;
      }
      if (conditions.containsKey(condition)) {
        if (context.in("Conditions")) {
          conditionDependencies.computeIfAbsent(context.entry(), k -> new LinkedHashMap<>())
              .putIfAbsent(condition, path);
        }
        return;
      }
      Optional<String> close = DidYouMean.closest(condition, conditions.keySet());
      add(Severity.ERROR, "UnknownCondition", location,
          function + " names '" + condition + "', which is not a condition" + didYouMean(close),
          close.map(c -> "use '" + c + "'").orElse("declare '" + condition + "' under Conditions, or fix the name"), path);
    }

    // ---- intrinsic functions

    private void visit(JsonNode node, List<String> path, Context context) {
      if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          visit(node.get(i), append(path, Integer.toString(i)), context);
        }
        return;
      }
      if (!node.isObject()) {
        return;
      }
      Context inner = context;
      if (node.size() == 1) {
        String function = node.fieldNames().next();
        JsonNode argument = node.get(function);
        List<String> at = append(path, function);
        inner = function.startsWith("Fn::") ? context.within(function) : context;
        switch (function) {
          case "Ref" -> {
            ref(argument, at, context);
            return;
          }
          case "Fn::GetAtt" -> {
            getAtt(argument, at, inner);
            return;
          }
          case "Fn::Sub" -> {
            sub(argument, at, inner);
            return;
          }
          case "Fn::If" -> {
            fnIf(argument, at, context);
            return;
          }
          case "Fn::FindInMap" -> {
            findInMap(argument, at, inner);
            return;
          }
          case "Fn::Length", "Fn::ToJsonString" -> {
            if (!languageExtensions) {
              add(Severity.ERROR, "LanguageExtensionsRequired", location(context),
                  function + " is a function of the AWS::LanguageExtensions transform, which the template does not declare",
                  "add AWS::LanguageExtensions to Transform", at);
            }
          }
          case "Fn::Transform" -> {
            add(Severity.INFO, "MacroTransform", location(context),
                "Fn::Transform " + argument.path("Name").asText() + " is expanded only by CloudFormation:"
                    + " what it includes is checked after expansion there", "nothing to do", at);
            return;
          }
          case "Condition" -> {
            if (context.in("Conditions")) {
              conditionReference(argument, at, context, "Condition");
              return;
            }
          }
          case "Fn::ValueOf" -> {
            if (context.in("Rules")) {
              valueOf(argument, at, inner);
              return;
            }
          }
          case "Fn::RefAll", "Fn::ValueOfAll" -> {
            if (context.in("Rules")) {
              parameterType(function.equals("Fn::RefAll") ? argument : argument.path(0),
                  function.equals("Fn::RefAll") ? at : append(at, "0"), context, function);
            }
          }
          default -> { }
        }
        if (RULE_FUNCTIONS.contains(function) && !context.in("Rules")) {
          add(Severity.ERROR, "InvalidFunction", location(context),
              function + " is a rule function: it works only in the assertions of the Rules section",
              "use it under Rules, or use a condition function here", at);
        }
      }
      for (var it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        visit(field.getValue(), append(path, field.getKey()), inner);
      }
    }

    private void ref(JsonNode argument, List<String> path, Context context) {
      String target = argument.isTextual() ? argument.asText() : literal(argument);
      if (target == null) {
        visit(argument, path, context);
        return;
      }
      if (LanguageExtensions.unresolved(target)) {
        return;
      }
      if (target.equals("AWS::NoValue")) {
        noValue(path, context);
        return;
      }
      if (PSEUDO_PARAMETERS.contains(target) || parameters.containsKey(target)) {
        return;
      }
      if (context.parametersOnly()) {
        if (resources.containsKey(target) || sam.find(target).isPresent()) {
          parametersOnly(context, "Ref names the resource '" + target + "'", path);
        } else {
          unknown("Ref", target, "a parameter or pseudo parameter", parameterNames(), path, context);
        }
        return;
      }
      if (resources.containsKey(target) || sam.find(target).isPresent()) {
        depend(context.owner(), target, path);
      } else if (!unexpanded(target)) {
        List<String> candidates = new ArrayList<>(resourceNames());
        candidates.addAll(parameterNames());
        unknown("Ref", target, "a resource, parameter or pseudo parameter", candidates, path, context);
      }
    }

    /**
     * {@code Ref AWS::NoValue}: a value {@code Fn::If} returns, to leave a property out. As the
     * argument of another function it has no value to give (ERROR); as a plain property value it
     * only leaves the property out, which writing nothing does too (LOW); an output needs a value.
     */
    private void noValue(List<String> path, Context context) {
      if ("Fn::If".equals(context.enclosing()) || context.parametersOnly()) {
        return;
      }
      if (context.enclosing() != null || context.in("Outputs")) {
        add(Severity.ERROR, "NoValueOutsideIf", location(context),
            "Ref AWS::NoValue has no value to give " + (context.enclosing() != null ? "to " + context.enclosing()
                : "an output") + "; it only leaves a property out as a value Fn::If returns",
            "write !If [<condition>, <value>, !Ref AWS::NoValue] around the whole value", path);
      } else {
        add(Severity.LOW, "NoValueOutsideIf", location(context),
            "Ref AWS::NoValue outside Fn::If only leaves the property out",
            "leave the property out, or choose with !If [<condition>, <value>, !Ref AWS::NoValue]", path);
      }
    }

    private void getAtt(JsonNode argument, List<String> path, Context context) {
      String target;
      if (argument.isTextual()) {
        String text = argument.asText();
        target = text.contains(".") && sam.find(text).isEmpty() ? text.substring(0, text.indexOf('.')) : text;
      } else if (argument.isArray() && !argument.isEmpty() && literal(argument.get(0)) != null) {
        target = literal(argument.get(0));
        for (int i = 1; i < argument.size(); i++) {
          visit(argument.get(i), append(path, Integer.toString(i)), context);
        }
      } else {
        add(Severity.ERROR, "InvalidFunction", location(context),
            "Fn::GetAtt takes [LogicalId, AttributeName]", "write !GetAtt Resource.Attribute", path);
        visit(argument, path, context);
        return;
      }
      if (LanguageExtensions.unresolved(target)) {
        return;
      }
      if (context.parametersOnly()) {
        parametersOnly(context, "Fn::GetAtt reads '" + target + "'", path);
      } else if (resources.containsKey(target) || sam.find(target).isPresent()) {
        depend(context.owner(), target, path);
      } else if (parameters.containsKey(target)) {
        add(Severity.ERROR, "UnknownReference", location(context),
            "Fn::GetAtt names '" + target + "', which is a parameter; Fn::GetAtt reads attributes of resources",
            "use !Ref " + target, path);
      } else if (!unexpanded(target)) {
        unknown("Fn::GetAtt", target, "a resource", resourceNames(), path, context);
      }
    }

    private void sub(JsonNode argument, List<String> path, Context context) {
      String text;
      JsonNode variables = null;
      List<String> textPath = path;
      if (argument.isTextual()) {
        text = argument.asText();
      } else if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual()) {
        text = argument.get(0).asText();
        variables = argument.get(1);
        textPath = append(path, "0");
        visit(variables, append(path, "1"), context);
      } else {
        visit(argument, path, context);
        return;
      }
      Matcher m = SUB_VARIABLE.matcher(text);
      while (m.find()) {
        String variable = m.group(1).strip();
        if (LanguageExtensions.unresolved(variable) || (variables != null && variables.has(variable))) {
          continue;
        }
        int dot = variable.indexOf('.');
        String base = dot < 0 ? variable : variable.substring(0, dot);
        if (dot < 0 && variable.equals("AWS::NoValue")) {
          noValue(textPath, context);
        } else if (dot < 0 && (PSEUDO_PARAMETERS.contains(variable) || parameters.containsKey(variable))) {
          continue;
        } else if (resources.containsKey(base) || sam.find(base).isPresent() || sam.find(variable).isPresent()) {
          if (context.parametersOnly()) {
            parametersOnly(context, "Fn::Sub names the resource '" + base + "'", textPath);
          } else {
            depend(context.owner(), sam.find(variable).isPresent() && !resources.containsKey(base) ? variable : base,
                textPath);
          }
        } else if (dot > 0 && parameters.containsKey(base)) {
          add(Severity.ERROR, "UnknownReference", location(context),
              "Fn::Sub names '" + variable + "', but '" + base + "' is a parameter; only resources have attributes",
              "write ${" + base + "}", textPath);
        } else if (!unexpanded(base)) {
          List<String> candidates = new ArrayList<>(resourceNames());
          if (dot < 0) {
            candidates.addAll(parameterNames());
            unknown("Fn::Sub", variable, "a resource, parameter or pseudo parameter", candidates, textPath, context);
          } else {
            Optional<String> close = DidYouMean.closest(base, candidates);
            add(Severity.ERROR, "UnknownReference", location(context),
                "Fn::Sub names '" + variable + "', and '" + base + "' is not a resource" + didYouMean(close),
                close.map(c -> "use '${" + c + variable.substring(dot) + "}'")
                    .orElse("declare '" + base + "' under Resources, or fix the name"), textPath);
          }
        }
      }
    }

    private void fnIf(JsonNode argument, List<String> path, Context context) {
      if (!argument.isArray() || argument.size() != 3) {
        add(Severity.ERROR, "InvalidFunction", location(context),
            "Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]",
            "write !If [<condition>, <value if true>, <value if false>]", path);
        visit(argument, path, context.within("Fn::If"));
        return;
      }
      conditionReference(argument.get(0), append(path, "0"), context, "Fn::If");
      visit(argument.get(1), append(path, "1"), context.within("Fn::If"));
      visit(argument.get(2), append(path, "2"), context.within("Fn::If"));
    }

    private void findInMap(JsonNode argument, List<String> path, Context context) {
      if (!argument.isArray() || argument.size() < 3 || argument.size() > 4) {
        add(Severity.ERROR, "InvalidFunction", location(context),
            "Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey]",
            "write !FindInMap [<mapping>, <key>, <key>]", path);
        visit(argument, path, context);
        return;
      }
      visit(argument, path, context);
      boolean hasDefault = argument.size() == 4;
      if (hasDefault && (!argument.get(3).isObject() || !argument.get(3).has("DefaultValue"))) {
        add(Severity.ERROR, "InvalidFunction", location(context),
            "the fourth item of Fn::FindInMap can only be {DefaultValue: <value>}",
            "write !FindInMap [<mapping>, <key>, <key>, {DefaultValue: <value>}]", append(path, "3"));
      } else if (hasDefault && !languageExtensions) {
        add(Severity.ERROR, "LanguageExtensionsRequired", location(context),
            "Fn::FindInMap with a DefaultValue needs the AWS::LanguageExtensions transform, which the template does"
                + " not declare", "add AWS::LanguageExtensions to Transform", append(path, "3"));
      }
      String map = literal(argument.get(0));
      if (map == null || LanguageExtensions.unresolved(map)) {
        return;
      }
      if (!mappings.containsKey(map)) {
        Optional<String> close = DidYouMean.closest(map, mappings.keySet());
        add(Severity.ERROR, "UnknownMapping", location(context),
            "Fn::FindInMap names '" + map + "', which is not a mapping" + didYouMean(close),
            close.map(c -> "use '" + c + "'").orElse("declare '" + map + "' under Mappings, or fix the name"),
            append(path, "0"));
        return;
      }
      JsonNode level = mappings.get(map);
      String described = "mapping '" + map + "'";
      for (int i = 1; i <= 2 && !hasDefault; i++) {
        String key = literal(argument.get(i));
        if (key == null || LanguageExtensions.unresolved(key)) {
          return;
        }
        if (!level.has(key)) {
          List<String> keys = new ArrayList<>();
          level.fieldNames().forEachRemaining(keys::add);
          Optional<String> close = DidYouMean.closest(key, keys);
          add(Severity.ERROR, "UnknownMappingKey", location(context),
              "Fn::FindInMap looks up '" + key + "' in " + described + ", which has no such "
                  + (i == 1 ? "top-level" : "second-level") + " key" + didYouMean(close),
              close.map(c -> "use '" + c + "'").orElse("use one of " + keys
                  + (languageExtensions ? ", or give a DefaultValue" : "")), append(path, Integer.toString(i)));
          return;
        }
        level = level.get(key);
        described = "'" + map + "." + key + "'";
      }
    }

    private void valueOf(JsonNode argument, List<String> path, Context context) {
      visit(argument, path, context);
      String parameter = argument.isArray() && !argument.isEmpty() ? literal(argument.get(0)) : null;
      if (parameter == null) {
        add(Severity.ERROR, "InvalidRule", location(context),
            "Fn::ValueOf takes [ParameterLogicalId, Attribute]", "write Fn::ValueOf: [<parameter>, <attribute>]", path);
      } else if (!parameters.containsKey(parameter)) {
        unknown("Fn::ValueOf", parameter, "a parameter", parameterNames(), append(path, "0"), context);
      }
    }

    private void parameterType(JsonNode type, List<String> path, Context context, String function) {
      if (type.isTextual() && !ParameterChecks.validType(type.asText())) {
        Optional<String> close = DidYouMean.closest(type.asText(), ParameterChecks.typeNames());
        add(Severity.ERROR, "InvalidRule", location(context),
            function + " names '" + type.asText() + "', which is not a parameter type" + didYouMean(close),
            close.map(c -> "use " + c).orElse("name a parameter type such as AWS::EC2::VPC::Id"), path);
      }
    }

    private void parametersOnly(Context context, String what, List<String> path) {
      boolean rules = context.in("Rules");
      add(Severity.ERROR, rules ? "InvalidRule" : "InvalidCondition", location(context),
          what + ", but " + (rules ? "rules" : "conditions") + " can name only parameters and pseudo parameters",
          rules ? "assert on parameter values" : "base the condition on a parameter", path);
    }

    private void unknown(
        String function, String target, String what, List<String> candidates, List<String> path, Context context) {
      Optional<String> close = DidYouMean.closest(target, candidates);
      add(Severity.ERROR, "UnknownReference", location(context),
          function + " names '" + target + "', which is not " + what + didYouMean(close),
          sam.hint(target).orElse(close.map(c -> "use '" + c + "'")
              .orElse("declare '" + target + "' under " + (what.equals("a resource") ? "Resources"
                  : what.startsWith("a parameter") ? "Parameters" : "Resources or Parameters")
                  + ", or fix the name")), path);
    }

    // ---- dependency cycles

    private void depend(String from, String to, List<String> path) {
      if (from == null || LanguageExtensions.unresolved(from) || LanguageExtensions.unresolved(to)) {
        return;
      }
      dependencies.computeIfAbsent(from, k -> new LinkedHashMap<>()).putIfAbsent(to, path);
      if (!resources.containsKey(to) && !dependencies.containsKey(to)) {
        Map<String, List<String>> generated = new LinkedHashMap<>();
        dependencies.put(to, generated);
        sam.find(to).ifPresent(g -> g.dependsOn().forEach(d -> generated.putIfAbsent(d, List.of())));
      }
    }

    private void checkCycles() {
      sam.edges().forEach((from, targets) -> {
        if (dependencies.containsKey(from)) {
          targets.forEach(to -> {
            dependencies.get(from).putIfAbsent(to, List.of());
            if (!dependencies.containsKey(to)) {
              Map<String, List<String>> generated = new LinkedHashMap<>();
              sam.find(to).ifPresent(g -> g.dependsOn().forEach(d -> generated.putIfAbsent(d, List.of())));
              dependencies.put(to, generated);
            }
          });
        }
      });
      // a resource that names itself in DependsOn is reported as DependsOnSelf, not as a cycle
      Map<String, Set<String>> graph = new LinkedHashMap<>();
      dependencies.forEach((from, targets) -> graph.put(from, new LinkedHashSet<>(targets.keySet())));
      for (DependencyCycles.Cycle cycle : DependencyCycles.of(graph)) {
        List<String> nodes = cycle.nodes();
        List<String> path = List.of("Resources", nodes.get(0));
        for (int i = 0; i + 1 < nodes.size(); i++) {
          List<String> edge = dependencies.getOrDefault(nodes.get(i), Map.of()).get(nodes.get(i + 1));
          if (edge != null && !edge.isEmpty()) {
            path = edge;
            break;
          }
        }
        add(Severity.ERROR, "DependencyCycle", readable(nodes.get(0)),
            "resources depend on each other in a cycle, which CloudFormation refuses: " + String.join(" -> ", nodes)
                + (cycle.others().isEmpty() ? "" : " (also involved: " + String.join(", ", cycle.others()) + ")"),
            "break the cycle: drop a DependsOn, or move one reference into a separate resource (an"
                + " AWS::Lambda::Permission, an AWS::IAM::Policy, a bucket notification) that depends on both", path);
      }
      Map<String, Set<String>> conditionGraph = new LinkedHashMap<>();
      conditions.keySet().forEach(c -> conditionGraph.put(c, new LinkedHashSet<>(
          conditionDependencies.getOrDefault(c, Map.of()).keySet())));
      for (DependencyCycles.Cycle cycle : DependencyCycles.of(conditionGraph)) {
        List<String> nodes = cycle.nodes();
        add(Severity.ERROR, "ConditionCycle", "Conditions." + nodes.get(0),
            "conditions refer to each other in a cycle: " + String.join(" -> ", nodes),
            "base one of them on parameters only",
            conditionDependencies.get(nodes.get(0)).get(nodes.get(1)));
      }
    }

    // ---- names

    private boolean unexpanded(String name) {
      return unexpanded.stream().anyMatch(p -> p.matcher(name).matches())
          || modules.stream().anyMatch(m -> name.startsWith(m) && name.length() > m.length());
    }

    private List<String> resourceNames() {
      List<String> names = new ArrayList<>();
      resources.keySet().stream().filter(n -> !LanguageExtensions.unresolved(n)).forEach(names::add);
      names.addAll(sam.logicalIds());
      return names;
    }

    private List<String> parameterNames() {
      List<String> names = new ArrayList<>(parameters.keySet());
      PSEUDO_PARAMETERS.stream().sorted().forEach(names::add);
      return names;
    }

    private static void collect(JsonNode section, Map<String, JsonNode> into) {
      section.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue()));
    }

    /** A string, or an {@code Fn::Sub} without variables (what a loop leaves of {@code !Sub 'Name${Id}'}). */
    private static String literal(JsonNode node) {
      if (node.isTextual() || node.isNumber()) {
        return node.asText();
      }
      JsonNode sub = node.path("Fn::Sub");
      if (node.size() == 1 && sub.isTextual() && !sub.asText().contains("${")) {
        return sub.asText();
      }
      return null;
    }

    private static String describe(JsonNode node) {
      if (node.isObject() && node.size() == 1) {
        String key = node.fieldNames().next();
        if (key.startsWith("Fn::") || key.equals("Ref") || key.equals("Condition")) {
          return key;
        }
      }
      return node.isObject() ? "a mapping" : node.isArray() ? "a list" : "'" + node.asText() + "'";
    }

    private static String didYouMean(Optional<String> close) {
      return close.map(c -> " (did you mean '" + c + "'?)").orElse("");
    }

    private static String location(Context context) {
      String entry = readable(context.entry());
      return context.in("Resources") ? entry : context.section() + (entry.equals(context.section()) ? "" : "." + entry);
    }

    /** A name made by a loop that could not be expanded, as the template writes it. */
    private static String readable(String name) {
      return name.replaceAll(LanguageExtensions.UNKNOWN + "([^" + LanguageExtensions.UNKNOWN + "]*)"
          + LanguageExtensions.UNKNOWN, "\\${$1}");
    }

    private void add(Severity severity, String rule, String location, String message, String fix, List<String> path) {
      findings.add(new Finding(severity, rule, location, message, fix)
          .at(expanded == null ? path : expanded.original(path)));
    }

  }
}

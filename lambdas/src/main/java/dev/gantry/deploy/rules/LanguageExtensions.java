package dev.gantry.deploy.rules;

import static dev.gantry.deploy.rules.TemplateValues.append;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gantry.deploy.Finding;
import dev.gantry.deploy.Finding.Severity;
import dev.gantry.deploy.TemplateModel;
import dev.gantry.deploy.TemplateRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code Fn::ForEach} of the {@code AWS::LanguageExtensions} transform, expanded as CloudFormation
 * expands it, so that the other checks see the resources, outputs and conditions the loops make.
 *
 * <p>A loop is {@code "Fn::ForEach::Name": [Identifier, Collection, {OutputKey: OutputValue}]}. For
 * each value of the collection, {@code ${Identifier}} and {@code &{Identifier}} (the value without
 * its non-alphanumeric characters) are replaced in the output keys and in every string of the
 * output values, and {@code {"Ref": "Identifier"}} becomes the value. Output values may hold loops
 * of their own. The collection is a literal list, a {@code Ref} to a list parameter (expanded with
 * its {@code Default}: Gantry creates stacks with the defaults), or an {@code Fn::FindInMap} with
 * literal keys. Any other collection cannot be expanded here: the identifier stands for an unknown
 * value ({@link #UNKNOWN}), and ids made from it are matched by a pattern, not checked. Source: AWS
 * CloudFormation User Guide, "Fn::ForEach" and "AWS::LanguageExtensions transform".
 */
final class LanguageExtensions {
  /** The prefix of a loop's key. */
  static final String FOR_EACH = "Fn::ForEach::";

  /** Marks an unknown loop value inside an expanded string. */
  static final char UNKNOWN = '\u0001';

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final List<String> SECTIONS = List.of("Conditions", "Resources", "Outputs");

  /** Resources a template may declare (AWS CloudFormation User Guide, "AWS CloudFormation quotas"). */
  static final int MAX_RESOURCES = 500;

  /**
   * Nodes the expansion may make: loops nested in properties make no resource, and still multiply
   * (three loops of 150 items make 3.4 million keys); a 1 MB template, the largest CloudFormation
   * reads, holds fewer nodes than this.
   */
  static final int MAX_NODES = 500_000;

  private final JsonNode root;
  private final boolean declared;
  private final List<Finding> findings;
  private final Map<List<String>, List<String>> origins = new HashMap<>();
  /** Nodes the expansion may still make. */
  private int budget = MAX_NODES;
  /** Whether the expansion stopped at a limit: nothing more is expanded. */
  private boolean stopped;

  /**
   * The template with its loops expanded.
   *
   * @param root the expanded template; sections without loops are the original nodes
   * @param origins the original key path of every key a loop made, by its expanded path
   */
  record Expanded(JsonNode root, Map<List<String>, List<String>> origins) {
    /** Where {@code path} of the expanded template is written in the original template. */
    List<String> original(List<String> path) {
      for (int end = path.size(); end > 0; end--) {
        List<String> origin = origins.get(path.subList(0, end));
        if (origin != null) {
          List<String> result = new ArrayList<>(origin);
          result.addAll(path.subList(end, path.size()));
          return result;
        }
      }
      return path;
    }
  }

  private LanguageExtensions(JsonNode root, boolean declared, List<Finding> findings) {
    this.root = root;
    this.declared = declared;
    this.findings = findings;
  }

  /**
   * Expands every loop of the Conditions, Resources and Outputs sections.
   *
   * @param declared whether the template declares {@code Transform: AWS::LanguageExtensions}; a
   *     loop without it is reported, and expanded all the same so that its ids are known
   */
  static Expanded expand(JsonNode root, boolean declared, List<Finding> findings) {
    LanguageExtensions expansion = new LanguageExtensions(root, declared, findings);
    ObjectNode expanded = NODES.objectNode();
    root.fields().forEachRemaining(section -> {
      String name = section.getKey();
      JsonNode value = section.getValue();
      expanded.set(name, SECTIONS.contains(name) && containsLoop(value)
          ? expansion.node(value, List.of(name), List.of(name), Map.of())
          : value);
    });
    return new Expanded(expanded, Map.copyOf(expansion.origins));
  }

  /** Whether {@code text} holds the value of a loop that could not be expanded. */
  static boolean unresolved(String text) {
    return text.indexOf(UNKNOWN) >= 0;
  }

  /** A pattern matching every id an unexpanded loop may make from {@code id}. */
  static Pattern pattern(String id) {
    StringBuilder regex = new StringBuilder();
    String[] parts = id.split(String.valueOf(UNKNOWN), -1);
    for (int i = 0; i < parts.length; i++) {
      // parts alternate: text, identifier name, text, identifier name, ...
      regex.append(i % 2 == 0 ? Pattern.quote(parts[i]) : "[A-Za-z0-9]*");
    }
    return Pattern.compile(regex.toString());
  }

  private static boolean containsLoop(JsonNode node) {
    if (node.isObject()) {
      for (var it = node.fields(); it.hasNext(); ) {
        var field = it.next();
        if (field.getKey().startsWith(FOR_EACH) || containsLoop(field.getValue())) {
          return true;
        }
      }
    } else if (node.isArray()) {
      for (JsonNode child : node) {
        if (containsLoop(child)) {
          return true;
        }
      }
    }
    return false;
  }

  private JsonNode node(
      JsonNode node, List<String> expandedPath, List<String> originalPath, Map<String, String> values) {
    if (stopped) {
      return node;
    }
    if (--budget < 0) {
      stop("Fn::ForEach expands the template beyond " + MAX_NODES + " nodes", originalPath);
      return node;
    }
    if (node.isTextual()) {
      return values.isEmpty() ? node : TextNode.valueOf(substitute(node.asText(), values));
    }
    if (node.isArray()) {
      ArrayNode copy = NODES.arrayNode();
      for (int i = 0; i < node.size(); i++) {
        String index = Integer.toString(i);
        copy.add(node(node.get(i), append(expandedPath, index), append(originalPath, index), values));
      }
      return copy;
    }
    if (!node.isObject()) {
      return node;
    }
    if (node.size() == 1 && node.path("Ref").isTextual() && values.containsKey(node.get("Ref").asText())) {
      return TextNode.valueOf(values.get(node.get("Ref").asText()));
    }
    ObjectNode copy = NODES.objectNode();
    // the keys written out first, so that a loop making one of them is told whatever the key order
    for (var it = node.fields(); it.hasNext(); ) {
      var field = it.next();
      String key = field.getKey();
      if (!key.startsWith(FOR_EACH)) {
        String expandedKey = values.isEmpty() ? key : substitute(key, values);
        copy.set(expandedKey, node(field.getValue(), append(expandedPath, expandedKey),
            append(originalPath, key), values));
      }
    }
    for (var it = node.fields(); it.hasNext(); ) {
      var field = it.next();
      if (field.getKey().startsWith(FOR_EACH)) {
        loop(field.getKey(), field.getValue(), copy, expandedPath, append(originalPath, field.getKey()), values);
      }
    }
    return copy;
  }

  /** Adds what the loop at {@code loopPath} makes to {@code into}, the object that holds it. */
  private void loop(
      String key, JsonNode loop, ObjectNode into, List<String> expandedPath, List<String> loopPath,
      Map<String, String> outer) {
    if (stopped) {
      return;
    }
    String location = String.join(".", loopPath);
    if (!declared) {
      findings.add(new Finding(Severity.ERROR, "LanguageExtensionsRequired", location,
          key + " is a function of the AWS::LanguageExtensions transform, which the template does not declare",
          "add AWS::LanguageExtensions to Transform").at(loopPath));
    }
    if (!loop.isArray() || loop.size() != 3 || !loop.get(0).isTextual() || !loop.get(2).isObject()) {
      findings.add(new Finding(Severity.ERROR, "InvalidForEach", location,
          key + " is not [Identifier, Collection, {OutputKey: OutputValue}]",
          "write the loop as a list of an identifier, a collection and an object of output keys").at(loopPath));
      return;
    }
    String identifier = loop.get(0).asText();
    JsonNode collection = node(loop.get(1), List.of(), List.of(), outer);
    checkCollection(key, collection, append(loopPath, "1"));
    Optional<List<String>> items = collection(collection);
    List<String> loopValues;
    if (items.isPresent()) {
      loopValues = items.get();
    } else {
      findings.add(new Finding(Severity.INFO, "ForEachNotExpanded", location,
          key + ": the collection is known only when CloudFormation runs the transform, so the ids it makes"
              + " are accepted without checking references to them",
          "use a literal list, or a Ref to a CommaDelimitedList parameter with a Default, to have them checked")
          .at(append(loopPath, "1")));
      loopValues = List.of(UNKNOWN + identifier + UNKNOWN);
    }
    List<String> fragmentPath = append(loopPath, "2");
    for (String value : loopValues) {
      if (stopped) {
        return;
      }
      Map<String, String> values = new LinkedHashMap<>(outer);
      values.put(identifier, value);
      for (var it = loop.get(2).fields(); it.hasNext(); ) {
        var output = it.next();
        if (output.getKey().startsWith(FOR_EACH)) {
          loop(output.getKey(), output.getValue(), into, expandedPath,
              append(fragmentPath, output.getKey()), values);
          continue;
        }
        if (stopped) {
          return;
        }
        String outputKey = substitute(output.getKey(), values);
        List<String> made = append(expandedPath, outputKey);
        List<String> origin = append(fragmentPath, output.getKey());
        if (expandedPath.equals(List.of("Resources")) && !into.has(outputKey) && into.size() >= MAX_RESOURCES) {
          stop("Fn::ForEach expands to more than " + MAX_RESOURCES + " resources", origin);
          return;
        }
        if (into.has(outputKey) && !unresolved(outputKey)) {
          findings.add(new Finding(Severity.ERROR, "DuplicateLogicalId", String.join(".", made),
              key + " makes '" + outputKey + "', which is already declared",
              "make the output key unique with ${" + identifier + "} or &{" + identifier + "}").at(origin));
        }
        origins.put(made, origin);
        into.set(outputKey, node(output.getValue(), made, origin, values));
      }
    }
  }

  /** Stops the expansion, with an ERROR finding at {@code path}; the template stays partly expanded. */
  private void stop(String message, List<String> path) {
    stopped = true;
    findings.add(new Finding(Severity.ERROR, "ForEachTooLarge", String.join(".", path),
        message + " (the expansion stopped there)",
        "make fewer resources per template: split the loops' collections across stacks, or nest stacks")
        .at(path));
  }

  /** A collection given by {@code Ref} names a list parameter. */
  private void checkCollection(String key, JsonNode collection, List<String> path) {
    JsonNode ref = collection.path("Ref");
    if (collection.size() != 1 || !ref.isTextual() || unresolved(ref.asText())) {
      return;
    }
    String location = String.join(".", path.subList(0, path.size() - 1));
    JsonNode parameter = root.path("Parameters").path(ref.asText());
    String type = parameter.path("Type").asText();
    if (!parameter.isObject()) {
      findings.add(new Finding(Severity.ERROR, "UnknownReference", location,
          key + " takes its collection from '" + ref.asText() + "', which is not a parameter",
          "declare '" + ref.asText() + "' as a CommaDelimitedList parameter, or fix the name").at(append(path, "Ref")));
    } else if (!type.contains("List")) {
      findings.add(new Finding(Severity.ERROR, "InvalidForEach", location,
          key + " takes its collection from '" + ref.asText() + "', a parameter of type " + type
              + "; a collection is a list", "make '" + ref.asText() + "' a CommaDelimitedList").at(append(path, "Ref")));
    }
  }

  /** The values of a loop's collection (already substituted), or empty when only CloudFormation knows them. */
  private Optional<List<String>> collection(JsonNode collection) {
    if (collection.isArray()) {
      List<String> items = new ArrayList<>();
      for (JsonNode item : collection) {
        if (!item.isValueNode() || unresolved(item.asText())) {
          return Optional.empty();
        }
        items.add(item.asText());
      }
      return Optional.of(items);
    }
    if (collection.isObject() && collection.size() == 1 && collection.path("Ref").isTextual()) {
      JsonNode parameter = root.path("Parameters").path(collection.get("Ref").asText());
      JsonNode defaultValue = parameter.path("Default");
      String type = parameter.path("Type").asText();
      if (type.contains("List") && !type.startsWith("AWS::SSM::") && defaultValue.isValueNode()) {
        List<String> items = new ArrayList<>();
        for (String item : defaultValue.asText().split(",", -1)) {
          items.add(item.strip());
        }
        return Optional.of(items);
      }
      return Optional.empty();
    }
    JsonNode findInMap = collection.path("Fn::FindInMap");
    if (findInMap.isArray() && findInMap.size() == 3 && allText(findInMap)) {
      JsonNode found = root.path("Mappings").path(findInMap.get(0).asText())
          .path(findInMap.get(1).asText()).path(findInMap.get(2).asText());
      return found.isArray() ? collection(found) : Optional.empty();
    }
    return Optional.empty();
  }

  private static boolean allText(JsonNode list) {
    for (JsonNode item : list) {
      if (!item.isValueNode() || unresolved(item.asText())) {
        return false;
      }
    }
    return true;
  }

  private static String substitute(String text, Map<String, String> values) {
    String result = text;
    for (Map.Entry<String, String> value : values.entrySet()) {
      result = result.replace("${" + value.getKey() + "}", value.getValue())
          .replace("&{" + value.getKey() + "}", alphanumeric(value.getValue()));
    }
    return result;
  }

  private static String alphanumeric(String value) {
    return value.replaceAll("[^A-Za-z0-9" + UNKNOWN + "]", "");
  }

  /**
   * Runs {@code rules} on the template as CloudFormation will see it after {@code Fn::ForEach}
   * loops are expanded, so a resource inside a loop is checked like any other, and places each
   * finding at the path written in the template. Loop problems themselves are the structure rules'
   * to report; a template without loops is checked as it is.
   */
  static void checkExpanded(TemplateModel template, List<TemplateRule> rules, List<Finding> findings) {
    if (!containsLoop(template.root())) {
      rules.forEach(rule -> rule.check(template, findings));
      return;
    }
    Expanded expanded = expand(template.root(), true, new ArrayList<>());
    TemplateModel model = new TemplateModel(template.name(), expanded.root(), template.format(), template.lines());
    List<Finding> found = new ArrayList<>();
    rules.forEach(rule -> rule.check(model, found));
    found.forEach(finding -> findings.add(finding.at(expanded.original(finding.path()))));
  }
}

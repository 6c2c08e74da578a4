package dev.gantry.deploy.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a template value may evaluate to, without deploying it: the security rules read values
 * through this so that a literal, a parameter's {@code Default}, an {@code Fn::If} branch, every
 * item an {@code Fn::Select} may choose, an {@code Fn::FindInMap} entry, and text built with {@code
 * Fn::Sub} or {@code Fn::Join} are all checked alike. A part that cannot be known before deployment
 * ({@code !Ref Resource}, {@code !GetAtt}, {@code Fn::ImportValue}) becomes a placeholder such as
 * {@code {{Table.Arn}}}: concrete, never a wildcard. Source: AWS CloudFormation User Guide,
 * "Intrinsic function reference".
 */
final class TemplateValues {
  /** Enough candidates for any real template (a policy may list hundreds of actions); a bound against combinatorial templates. */
  private static final int MAX_CANDIDATES = 4096;
  /** Deeper nesting of functions than any real template uses; a bound against recursion. */
  private static final int MAX_DEPTH = 64;
  /** Texts one value built with {@code Fn::Sub}/{@code Fn::Join} may render to, every choice combined. */
  private static final int MAX_RENDERINGS = 256;
  /** What the bounds are, for the finding that reports a value past them. */
  static final String BOUNDS =
      "more than " + MAX_CANDIDATES + " candidate values, " + MAX_RENDERINGS + " renderings or " + MAX_DEPTH + " nested functions";

  private final JsonNode root;
  /** Whether an evaluation since the last {@link #takeBoundHit()} stopped at a bound. */
  private boolean boundHit;

  TemplateValues(JsonNode root) {
    this.root = root;
  }

  /**
   * Whether an evaluation since the last call stopped at a bound ({@link #BOUNDS}), so its
   * candidates are incomplete; clears the mark.
   */
  boolean takeBoundHit() {
    boolean hit = boundHit;
    boundHit = false;
    return hit;
  }

  /** One candidate value and the key path of the node it comes from. */
  record Located(String value, List<String> path) {}

  /** A policy document and where it is; {@code exact} when {@code path} leads into the document itself. */
  record Document(JsonNode document, List<String> path, boolean exact) {}

  /** Whether {@code node} is an intrinsic function call ({@code Ref}, {@code Fn::*}, {@code Condition}). */
  static boolean isIntrinsic(JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      return false;
    }
    String key = node.fieldNames().next();
    return key.equals("Ref") || key.equals("Condition") || key.startsWith("Fn::");
  }

  /** {@code path} with {@code keys} appended. */
  static List<String> append(List<String> path, String... keys) {
    List<String> out = new ArrayList<>(path.size() + keys.length);
    out.addAll(path);
    out.addAll(List.of(keys));
    return List.copyOf(out);
  }

  /** The field of {@code object} named {@code name}, ignoring case, or null. */
  static Map.Entry<String, JsonNode> field(JsonNode object, String name) {
    if (object == null || !object.isObject()) {
      return null;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (entry.getKey().equalsIgnoreCase(name)) {
        return entry;
      }
    }
    return null;
  }

  /** Every string {@code node} may be (lists flattened). */
  List<String> strings(JsonNode node) {
    return located(node, List.of()).stream().map(Located::value).toList();
  }

  /** Every string {@code node} may be, lower-cased. */
  List<String> lowerStrings(JsonNode node) {
    return strings(node).stream().map(s -> s.toLowerCase(Locale.ROOT)).toList();
  }

  /**
   * Every string {@code node} may be, each with the path of the literal it comes from: list items
   * get their index, {@code Fn::If} branches and {@code Fn::Select} items their place in the call.
   */
  List<Located> located(JsonNode node, List<String> path) {
    List<Located> out = new ArrayList<>();
    collect(node, path, out, 0);
    return out;
  }

  private void collect(JsonNode node, List<String> path, List<Located> out, int depth) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return;
    }
    if (depth > MAX_DEPTH || out.size() >= MAX_CANDIDATES) {
      boundHit = true;
      return;
    }
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), append(path, String.valueOf(i)), out, depth + 1);
      }
      return;
    }
    if (node.isValueNode()) {
      out.add(new Located(node.asText(), path));
      return;
    }
    if (!isIntrinsic(node)) {
      return; // a mapping is not a string
    }
    String function = node.fieldNames().next();
    JsonNode args = node.get(function);
    switch (function) {
      case "Fn::If" -> {
        if (args.isArray() && args.size() == 3) {
          collect(args.get(1), append(path, function, "1"), out, depth + 1);
          collect(args.get(2), append(path, function, "2"), out, depth + 1);
        }
      }
      case "Fn::Select" -> {
        if (args.isArray() && args.size() == 2 && args.get(1).isArray()) {
          JsonNode list = args.get(1); // every item may be chosen: check them all
          for (int i = 0; i < list.size(); i++) {
            collect(list.get(i), append(path, function, "1", String.valueOf(i)), out, depth + 1);
          }
        } else if (args.isArray() && args.size() == 2) {
          for (String s : strings(args.get(1))) {
            out.add(new Located(s, path));
          }
        }
      }
      case "Fn::Split" -> {
        if (args.isArray() && args.size() == 2 && args.get(0).isTextual() && !args.get(0).asText().isEmpty()) {
          String delimiter = args.get(0).asText();
          for (String text : strings(args.get(1))) {
            for (String part : text.split(java.util.regex.Pattern.quote(delimiter), -1)) {
              out.add(new Located(part, path));
            }
          }
        }
      }
      case "Fn::FindInMap" -> {
        for (JsonNode value : mapValues(args)) {
          collect(value, path, out, depth + 1);
        }
      }
      case "Fn::Base64" -> collect(args, path, out, depth + 1);
      case "Ref" -> {
        for (String s : ref(args.asText())) {
          out.add(new Located(s, path));
        }
      }
      default -> {
        for (String text : renderings(node, false)) {
          out.add(new Located(text, path));
        }
      }
    }
  }

  /**
   * Every text {@code node} may evaluate to: each combination of {@code Fn::If} branches and of the
   * candidates of every {@code Ref}, {@code Fn::Select}, {@code Fn::FindInMap} and {@code Fn::Sub}
   * variable, distinct texts in the order met (first choices first). Stops after {@link
   * #MAX_RENDERINGS} texts, marking the bound hit.
   */
  List<String> renderings(JsonNode node, boolean json) {
    Set<String> texts = new LinkedHashSet<>();
    Choices choices = new Choices();
    int tries = 0;
    do {
      if (texts.size() >= MAX_RENDERINGS || ++tries > 4 * MAX_RENDERINGS) {
        boundHit = true;
        break;
      }
      texts.add(render(node, json, choices));
    } while (choices.next());
    return List.copyOf(texts);
  }

  /** What {@code Ref name} may be: a parameter's Default and AllowedValues, else a placeholder. */
  private List<String> ref(String name) {
    if (name.equals("AWS::NoValue")) {
      return List.of();
    }
    JsonNode parameter = root.path("Parameters").path(name);
    if (!parameter.isObject() || !parameter.has("Default")) {
      return List.of(placeholder(name));
    }
    boolean list = parameter.path("Type").asText().startsWith("List<")
        || parameter.path("Type").asText().equals("CommaDelimitedList");
    List<String> values = new ArrayList<>();
    List<JsonNode> sources = new ArrayList<>();
    sources.add(parameter.get("Default"));
    parameter.path("AllowedValues").forEach(sources::add);
    for (JsonNode source : sources) {
      if (list && source.isTextual()) {
        for (String part : source.asText().split(",", -1)) {
          values.add(part.strip());
        }
      } else if (source.isArray()) {
        source.forEach(v -> values.add(v.asText()));
      } else {
        values.add(source.asText());
      }
    }
    return values;
  }

  /** The values {@code Fn::FindInMap [map, top, second]} may take; a key that is not literal matches every key. */
  private List<JsonNode> mapValues(JsonNode args) {
    List<JsonNode> values = new ArrayList<>();
    if (!args.isArray() || args.size() < 3) {
      return values;
    }
    JsonNode map = root.path("Mappings").path(args.get(0).asText());
    for (JsonNode top : matching(map, args.get(1))) {
      values.addAll(matching(top, args.get(2)));
    }
    if (values.isEmpty() && args.size() == 4) {
      values.add(args.get(3).path("DefaultValue"));
    }
    return values;
  }

  private static List<JsonNode> matching(JsonNode map, JsonNode key) {
    List<JsonNode> out = new ArrayList<>();
    if (!map.isObject()) {
      return out;
    }
    if (key.isValueNode()) {
      if (map.has(key.asText())) {
        out.add(map.get(key.asText()));
      }
    } else {
      map.forEach(out::add);
    }
    return out;
  }

  /**
   * The first value of {@code node} as text: {@code Fn::Sub} and {@code Fn::Join} are evaluated with
   * parameter defaults and placeholders. With {@code json}, a placeholder outside a JSON string is
   * written as a JSON string, so policy documents built from text still parse.
   */
  String render(JsonNode node, boolean json) {
    return render(node, json, new Choices());
  }

  private String render(JsonNode node, boolean json, Choices choices) {
    JsonText out = new JsonText(json, choices);
    renderInto(node, out, 0);
    return out.toString();
  }

  private void renderInto(JsonNode node, JsonText out, int depth) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return;
    }
    if (depth > MAX_DEPTH) {
      boundHit = true;
      return;
    }
    if (node.isValueNode()) {
      out.raw(node.asText());
      return;
    }
    if (isIntrinsic(node)) {
      String function = node.fieldNames().next();
      JsonNode args = node.get(function);
      switch (function) {
        case "Fn::Sub" -> {
          renderSub(args, out, depth);
          return;
        }
        case "Fn::Join" -> {
          if (args.isArray() && args.size() == 2) {
            String delimiter = args.get(0).asText();
            JsonNode parts = args.get(1);
            if (parts.isArray()) {
              for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                  out.raw(delimiter);
                }
                part(parts.get(i), out, depth);
              }
            } else {
              out.value(String.join(delimiter, strings(parts)));
            }
          }
          return;
        }
        case "Fn::If" -> {
          if (args.isArray() && args.size() == 3) {
            renderInto(args.get(1 + out.choices.choose(2)), out, depth + 1);
          }
          return;
        }
        case "Fn::ToJsonString" -> {
          out.raw(args.isValueNode() ? args.asText() : Json.write(args));
          return;
        }
        case "Fn::GetAtt" -> {
          out.value(placeholder(args.isArray() ? joinText(args, ".") : args.asText()));
          return;
        }
        case "Ref", "Fn::Select", "Fn::FindInMap", "Fn::Split", "Fn::Base64" -> {
          out.value(choose(strings(node), out));
          return;
        }
        default -> {
          out.value(placeholder(function)); // Fn::ImportValue, Fn::GetAZs …: known only when deployed
          return;
        }
      }
    }
    out.value(Json.write(node)); // a mapping where text was expected
  }

  /** A part of {@code Fn::Join} or a {@code Fn::Sub} variable: text is text, a reference is a value. */
  private void part(JsonNode part, JsonText out, int depth) {
    if (part.isTextual()) {
      out.raw(part.asText());
    } else if (isIntrinsic(part) && List.of("Fn::Join", "Fn::Sub", "Fn::If", "Fn::ToJsonString")
        .contains(part.fieldNames().next())) {
      renderInto(part, out, depth + 1);
    } else {
      out.value(choose(strings(part), out));
    }
  }

  private static String choose(List<String> values, JsonText out) {
    return values.isEmpty() ? "" : values.get(out.choices.choose(values.size()));
  }

  private void renderSub(JsonNode args, JsonText out, int depth) {
    String text;
    JsonNode variables = null;
    if (args.isTextual()) {
      text = args.asText();
    } else if (args.isArray() && args.size() == 2 && args.get(0).isTextual()) {
      text = args.get(0).asText();
      variables = args.get(1);
    } else {
      return;
    }
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      int end = start < 0 ? -1 : text.indexOf('}', start);
      if (start < 0 || end < 0) {
        out.raw(text.substring(i));
        return;
      }
      out.raw(text.substring(i, start));
      String name = text.substring(start + 2, end);
      if (name.startsWith("!")) {
        out.raw("${" + name.substring(1) + "}");
      } else if (variables != null && variables.has(name.strip())) {
        part(variables.get(name.strip()), out, depth);
      } else if (name.contains(".")) {
        out.value(placeholder(name.strip()));
      } else {
        out.value(choose(ref(name.strip()), out));
      }
      i = end + 1;
    }
  }

  /**
   * The stand-in for a value known only when deployed: {@code {{Table.Arn}}}, {@code
   * {{AWS.AccountId}}}. It has no colon, so ARNs built around it still split into their six parts.
   */
  static String placeholder(String name) {
    return "{{" + name.replace("::", ".") + "}}";
  }

  /** {@code text} for a person: placeholders written back as {@code ${Table.Arn}}, {@code ${AWS::AccountId}}. */
  static String readable(String text) {
    return PLACEHOLDER.matcher(text).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
        "${" + m.group(1).replaceFirst("^AWS\\.", "AWS::") + "}"));
  }

  private static final java.util.regex.Pattern PLACEHOLDER = java.util.regex.Pattern.compile("\\{\\{([^}]*)}}");

  private static String joinText(JsonNode array, String delimiter) {
    List<String> parts = new ArrayList<>();
    array.forEach(p -> parts.add(p.asText()));
    return String.join(delimiter, parts);
  }

  /**
   * The policy documents {@code node} may be: a mapping, JSON text, text built with {@code Fn::Sub}
   * or {@code Fn::Join}, or either branch of {@code Fn::If}. Empty when none can be read.
   */
  List<Document> documents(JsonNode node, List<String> path) {
    List<Document> out = new ArrayList<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return out;
    }
    if (node.isObject() && !isIntrinsic(node)) {
      out.add(new Document(node, path, true));
      return out;
    }
    if (isIntrinsic(node) && node.has("Fn::If")) {
      JsonNode args = node.get("Fn::If");
      if (args.isArray() && args.size() == 3) {
        out.addAll(documents(args.get(1), append(path, "Fn::If", "1")));
        out.addAll(documents(args.get(2), append(path, "Fn::If", "2")));
      }
      return out;
    }
    if (isIntrinsic(node) && node.has("Fn::ToJsonString") && node.get("Fn::ToJsonString").isObject()) {
      return documents(node.get("Fn::ToJsonString"), append(path, "Fn::ToJsonString"));
    }
    List<String> texts = node.isTextual() ? List.of(node.asText()) : isIntrinsic(node) ? renderings(node, true) : List.of();
    for (String text : texts) {
      try {
        JsonNode parsed = Json.MAPPER.readTree(text);
        if (parsed != null && parsed.isObject()) {
          out.add(new Document(parsed, path, false));
        }
      } catch (JsonProcessingException e) {
        // not JSON: the caller reports what it cannot read
      }
    }
    return out;
  }

  /**
   * The choices one rendering takes where CloudFormation may choose, and the way to the next
   * combination: a depth-first walk over the choice points in the order a rendering meets them (a
   * branch taken may bring choice points of its own), like an odometer whose last wheel turns first.
   */
  private static final class Choices {
    /** Per choice point met: the option taken and how many there are. */
    private final List<int[]> taken = new ArrayList<>();
    private int position;

    /** The option to take at the next choice point of this rendering, of {@code options}. */
    int choose(int options) {
      if (position < taken.size()) {
        return taken.get(position++)[0];
      }
      taken.add(new int[] {0, options});
      position++;
      return 0;
    }

    /** Moves to the next combination; false when every one has been rendered. */
    boolean next() {
      while (taken.size() > position) {
        taken.remove(taken.size() - 1); // points the last rendering did not reach
      }
      position = 0;
      while (!taken.isEmpty()) {
        int[] last = taken.get(taken.size() - 1);
        if (last[0] + 1 < last[1]) {
          last[0]++;
          return true;
        }
        taken.remove(taken.size() - 1);
      }
      return false;
    }
  }

  /** Text being built, knowing whether it is inside a JSON string. */
  private static final class JsonText {
    private final StringBuilder text = new StringBuilder();
    private final boolean json;
    /** Which branch or candidate to take where CloudFormation may choose. */
    private final Choices choices;
    private boolean inString;
    private boolean escaped;

    JsonText(boolean json, Choices choices) {
      this.json = json;
      this.choices = choices;
    }

    void raw(String s) {
      text.append(s);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (escaped) {
          escaped = false;
        } else if (c == '\\' && inString) {
          escaped = true;
        } else if (c == '"') {
          inString = !inString;
        }
      }
    }

    void value(String s) {
      if (!json) {
        text.append(s);
        return;
      }
      String quoted = Json.write(s);
      text.append(inString ? quoted.substring(1, quoted.length() - 1) : quoted);
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }
}

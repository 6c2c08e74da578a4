package dev.gantry.deploy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Parses a CloudFormation template written as JSON or YAML into a Jackson tree.
 *
 * <p>YAML short-form intrinsic functions become their JSON long form, as CloudFormation reads them:
 * {@code !Ref X} → {@code {"Ref": "X"}}, {@code !GetAtt A.B} → {@code {"Fn::GetAtt": ["A", "B"]}},
 * {@code !Sub ...} → {@code {"Fn::Sub": ...}}, and likewise for the other {@code Fn::} functions.
 * Timestamps stay strings, so {@code AWSTemplateFormatVersion: 2010-09-09} is not turned into a
 * date. Source: AWS CloudFormation User Guide, "Intrinsic function reference", "Rule functions"
 * and "Template formats".
 */
public final class TemplateParser {
  private static final List<String> FUNCTIONS =
      List.of(
          "Base64", "Cidr", "FindInMap", "GetAZs", "If", "ImportValue", "Join", "Select", "Split",
          "Sub", "Transform", "And", "Equals", "Not", "Or", "ToJsonString", "Length",
          // the functions of a Rules section's conditions and assertions
          "Contains", "EachMemberEquals", "EachMemberIn", "RefAll", "ValueOf", "ValueOfAll");

  private static final String UNKNOWN_TAG = "could not determine a constructor for the tag ";

  /** Each short-form tag and the long-form key it stands for. */
  private static final Map<Tag, String> INTRINSICS = intrinsics();

  /** Nodes a YAML template may expand to through aliases, beyond one per character of its text. */
  private static final int MAX_EXPANDED_NODES = 100_000;

  private static Map<Tag, String> intrinsics() {
    Map<Tag, String> tags = new HashMap<>();
    tags.put(new Tag("!Ref"), "Ref");
    tags.put(new Tag("!Condition"), "Condition");
    tags.put(new Tag("!GetAtt"), "Fn::GetAtt");
    for (String function : FUNCTIONS) {
      tags.put(new Tag("!" + function), "Fn::" + function);
    }
    return Map.copyOf(tags);
  }

  /** A template that cannot be parsed; {@code line} is 1-based, 0 when unknown. */
  public static final class TemplateSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    TemplateSyntaxException(String message, int line) {
      super(message);
      this.line = line;
    }

    /** 1-based line of the error, or 0 when unknown. */
    public int line() {
      return line;
    }
  }

  /** The template's format. */
  public enum Format {
    JSON,
    YAML
  }

  /**
   * A parsed template, its format and where its nodes are.
   *
   * @param lines the line of each key path
   */
  public record Parsed(JsonNode root, Format format, LineIndex lines) {
    /** A parsed template whose lines are not known. */
    public Parsed(JsonNode root, Format format) {
      this(root, format, LineIndex.NONE);
    }
  }

  /**
   * Parses {@code text}: JSON when its first non-blank character is <code>{</code>, else YAML, and
   * records the line of every mapping key and sequence item; a short form's long-form key ({@code
   * Ref} under {@code !Ref X}) gets the line of the short form.
   *
   * @throws TemplateSyntaxException with the line of the error
   */
  public Parsed parse(String text) {
    String trimmed = text.stripLeading();
    return trimmed.startsWith("{") ? parseJson(text) : parseYaml(text);
  }

  private static Parsed parseJson(String text) {
    try {
      JsonNode root = Json.MAPPER.readTree(text);
      KeyPathLines lines = new KeyPathLines();
      try (JsonParser tokens = Json.MAPPER.getFactory().createParser(text)) {
        tokens.nextToken();
        indexJson(tokens, lines.root());
      }
      return new Parsed(root, Format.JSON, lines);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new TemplateSyntaxException(
          "invalid JSON: " + e.getOriginalMessage(), at == null ? 0 : at.getLineNr());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does not fail
    }
  }

  /** Records the keys and items of the value starting at the current token. */
  private static void indexJson(JsonParser tokens, KeyPathLines.Entry at) throws IOException {
    if (tokens.currentToken() == JsonToken.START_OBJECT) {
      while (tokens.nextToken() == JsonToken.FIELD_NAME) {
        KeyPathLines.Entry key =
            at.child(tokens.currentName(), tokens.currentTokenLocation().getLineNr());
        tokens.nextToken();
        indexJson(tokens, key);
      }
    } else if (tokens.currentToken() == JsonToken.START_ARRAY) {
      int index = 0;
      while (tokens.nextToken() != JsonToken.END_ARRAY) {
        KeyPathLines.Entry item =
            at.child(Integer.toString(index++), tokens.currentTokenLocation().getLineNr());
        indexJson(tokens, item);
      }
    }
  }

  private static Parsed parseYaml(String text) {
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      CloudFormationConstructor constructor = new CloudFormationConstructor(options);
      Node document = new Yaml(constructor).compose(new StringReader(text));
      if (document == null) { // an empty text
        return new Parsed(Json.MAPPER.valueToTree(null), Format.YAML, LineIndex.NONE);
      }
      // construct first: it refuses duplicate keys and flattens merge keys (<<) in the node tree
      // an alias inside the node it names makes a cycle, which neither construction nor Jackson ends
      refuseCycles(document, Collections.newSetFromMap(new IdentityHashMap<>()));
      Object loaded = constructor.constructTemplate(document);
      KeyPathLines lines = new KeyPathLines();
      indexYaml(document, lines.root(), new int[] {MAX_EXPANDED_NODES + text.length()});
      return new Parsed(tree(loaded), Format.YAML, lines);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      String problem = String.valueOf(e.getProblem());
      if (problem.startsWith(UNKNOWN_TAG)) {
        problem = "unknown tag " + problem.substring(UNKNOWN_TAG.length())
            + ": not a CloudFormation intrinsic function (expand a preprocessor's tags, such as Rain's, first)";
      }
      throw new TemplateSyntaxException(
          "invalid YAML: " + problem, mark == null ? 0 : mark.getLine() + 1);
    } catch (YAMLException e) {
      throw new TemplateSyntaxException("invalid YAML", 0);
    }
  }

  /** The Jackson tree of a constructed YAML document; a value it cannot hold is a syntax error. */
  private static JsonNode tree(Object loaded) {
    try {
      return Json.MAPPER.valueToTree(loaded);
    } catch (IllegalArgumentException e) {
      throw new TemplateSyntaxException(
          "invalid YAML: a value CloudFormation cannot read (" + e.getMessage() + ")", 0);
    }
  }

  /**
   * Refuses an alias that refers to a node containing it ({@code &a {X: *a}}): {@code onPath} holds
   * the collections from the root to {@code node}, so a node met again on its own path is a cycle.
   * Nesting is limited by the loader (50 levels), so the path, and this recursion, stay short.
   */
  private static void refuseCycles(Node node, Set<Node> onPath) {
    if (node instanceof ScalarNode) {
      return;
    }
    if (!onPath.add(node)) {
      throw new TemplateSyntaxException(
          "invalid YAML: an alias refers to a node that contains it", line(node));
    }
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        refuseCycles(tuple.getKeyNode(), onPath);
        refuseCycles(tuple.getValueNode(), onPath);
      }
    } else if (node instanceof SequenceNode sequence) {
      for (Node item : sequence.getValue()) {
        refuseCycles(item, onPath);
      }
    }
    onPath.remove(node);
  }

  /**
   * Records the keys and items under {@code node}; an alias is walked again where it is used, as
   * the JSON tree repeats it, so {@code budget} (nodes left) stops aliases of aliases from expanding
   * a small text into millions of nodes, which the alias limit alone allows (2^24 with 48 aliases).
   */
  private static void indexYaml(Node node, KeyPathLines.Entry at, int[] budget) {
    if (--budget[0] < 0) {
      throw new TemplateSyntaxException(
          "invalid YAML: aliases expand the template beyond "
              + (MAX_EXPANDED_NODES / 1000) + "k nodes plus one per character",
          node.getStartMark().getLine() + 1);
    }
    String function = INTRINSICS.get(node.getTag());
    if (function != null) {
      at = at.child(function, line(node));
    }
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        // CloudFormation's keys are strings; a complex key cannot be named by a key path
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          indexYaml(tuple.getValueNode(), at.child(key.getValue(), line(key)), budget);
        }
      }
    } else if (node instanceof SequenceNode sequence) {
      List<Node> items = sequence.getValue();
      for (int i = 0; i < items.size(); i++) {
        indexYaml(items.get(i), at.child(Integer.toString(i), line(items.get(i))), budget);
      }
    }
  }

  private static int line(Node node) {
    return node.getStartMark().getLine() + 1;
  }

  private static final class CloudFormationConstructor extends SafeConstructor {
    CloudFormationConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      INTRINSICS.forEach((tag, key) -> yamlConstructors.put(tag, new Intrinsic(key)));
    }

    /** Constructs a composed document, refusing duplicate keys as {@link Yaml#load} does. */
    Object constructTemplate(Node document) {
      return constructDocument(document);
    }

    /**
     * Keys are the text written, as CloudFormation reads them: {@code on:}, {@code yes:} or {@code
     * 8080:} stay strings (a Boolean or Integer key beside String keys made the JSON tree's sorted
     * keys throw ClassCastException), and a key path names a key as it is written. A tagged scalar
     * key ({@code !Ref a:}, {@code !!binary aGk=:}) is its text too; a sequence or mapping key
     * ({@code ? [a, b]}) is refused: CloudFormation's keys are text.
     */
    @Override
    protected void constructMapping2ndStep(MappingNode node, Map<Object, Object> mapping) {
      plainKeys(node, Collections.newSetFromMap(new IdentityHashMap<>()));
      super.constructMapping2ndStep(node, mapping);
    }

    /** Makes the keys of {@code node}, and of the mappings it merges ({@code <<}), text. */
    private void plainKeys(Node node, Set<Node> seen) {
      if (node instanceof SequenceNode sequence && seen.add(node)) { // << takes a list of mappings
        for (Node item : sequence.getValue()) {
          plainKeys(item, seen);
        }
      }
      if (!(node instanceof MappingNode mapping) || !seen.add(node)) {
        return;
      }
      for (NodeTuple tuple : mapping.getValue()) {
        Node key = tuple.getKeyNode();
        if (!(key instanceof ScalarNode)) {
          throw new TemplateSyntaxException(
              "invalid YAML: a mapping key must be plain text, not a "
                  + (key instanceof SequenceNode ? "list" : "mapping"),
              line(key));
        } else if (Tag.MERGE.equals(key.getTag())) {
          plainKeys(tuple.getValueNode(), seen);
        } else {
          key.setTag(Tag.STR);
        }
      }
    }

    private final class Intrinsic extends AbstractConstruct {
      private final String key;

      Intrinsic(String key) {
        this.key = key;
      }

      @Override
      public Object construct(Node node) {
        Object value;
        if (node instanceof ScalarNode scalar) {
          String text = constructScalar(scalar);
          value = key.equals("Fn::GetAtt") ? splitGetAtt(text) : text;
        } else if (node instanceof SequenceNode sequence) {
          value = new ArrayList<>(constructSequence(sequence));
        } else {
          value = new LinkedHashMap<>(constructMapping((MappingNode) node));
        }
        Map<String, Object> function = new LinkedHashMap<>();
        function.put(key, value);
        return function;
      }

      private List<String> splitGetAtt(String text) {
        int dot = text.indexOf('.');
        return dot < 0 ? List.of(text) : List.of(text.substring(0, dot), text.substring(dot + 1));
      }
    }
  }
}

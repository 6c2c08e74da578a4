package dev.gantry.deploy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
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
 * date. Source: AWS CloudFormation User Guide, "Intrinsic function reference" and "Template
 * formats".
 */
public final class TemplateParser {
  private static final List<String> FUNCTIONS =
      List.of(
          "Base64", "Cidr", "FindInMap", "GetAZs", "If", "ImportValue", "Join", "Select", "Split",
          "Sub", "Transform", "And", "Equals", "Not", "Or", "ToJsonString", "Length");

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
   * @param lines the line of each key path ({@link LineIndex#NONE} until the parser records them)
   */
  public record Parsed(JsonNode root, Format format, LineIndex lines) {
    /** A parsed template whose lines are not known. */
    public Parsed(JsonNode root, Format format) {
      this(root, format, LineIndex.NONE);
    }
  }

  /**
   * Parses {@code text}: JSON when its first non-blank character is <code>{</code>, else YAML.
   *
   * @throws TemplateSyntaxException with the line of the error
   */
  public Parsed parse(String text) {
    String trimmed = text.stripLeading();
    if (trimmed.startsWith("{")) {
      try {
        return new Parsed(Json.MAPPER.readTree(text), Format.JSON);
      } catch (JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        throw new TemplateSyntaxException(
            "invalid JSON: " + e.getOriginalMessage(), at == null ? 0 : at.getLineNr());
      }
    }
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(false);
      options.setMaxAliasesForCollections(50);
      Object loaded = new Yaml(new CloudFormationConstructor(options)).load(text);
      return new Parsed(Json.MAPPER.valueToTree(loaded), Format.YAML);
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark();
      throw new TemplateSyntaxException(
          "invalid YAML: " + e.getProblem(), mark == null ? 0 : mark.getLine() + 1);
    } catch (YAMLException e) {
      throw new TemplateSyntaxException("invalid YAML", 0);
    }
  }

  private static final class CloudFormationConstructor extends SafeConstructor {
    CloudFormationConstructor(LoaderOptions options) {
      super(options);
      yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
      yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
      yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
      yamlConstructors.put(new Tag("!GetAtt"), new Intrinsic("Fn::GetAtt"));
      for (String function : FUNCTIONS) {
        yamlConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
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

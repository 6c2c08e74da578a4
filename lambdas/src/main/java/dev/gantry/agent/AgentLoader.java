package dev.gantry.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads agent definitions: a line {@code ---}, YAML frontmatter, a line {@code ---}, then the
 * Markdown body (Claude Code subagent format).
 *
 * <p>The frontmatter is read with SnakeYAML's safe constructor. Files written for Claude Code often
 * hold descriptions that are not strictly valid YAML (a plain scalar containing {@code ": "}, as in
 * {@code description: Use it when: ...}); Claude Code accepts them, so when strict parsing fails the
 * loader retries once with every top-level plain {@code key: value} line quoted. If that also fails
 * the original YAML error is reported.
 *
 * <p>Fields Gantry honours are checked here, so a stage never starts an agent it cannot run as its
 * file says (Claude Code documentation, "Subagents"): {@code tools} and {@code disallowedTools} are
 * tool names (a comma-separated string or a YAML list); {@code maxTurns} a positive integer; {@code
 * permissionMode} one of {@link PermissionMode}'s values and not {@code bypassPermissions}; {@code
 * initialPrompt} text. Each violation is an {@link AgentDefinitionException} naming the file, the
 * field's line and the field. Everything else becomes a {@link Frontmatter.Note}.
 */
public final class AgentLoader {
  private static final Pattern TOP_LEVEL_SCALAR =
      Pattern.compile("^([A-Za-z_][A-Za-z0-9_-]*):[ \\t]+(\\S.*)$");
  private static final String FENCE = "---";

  /**
   * Parses one definition.
   *
   * @param text the whole file
   * @param source the file name or label used in error messages
   * @return the definition
   * @throws AgentDefinitionException naming the source, the 1-based line and the problem
   */
  public AgentDefinition parse(String text, String source) {
    String normalized = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<String> lines = Arrays.asList(normalized.split("\r?\n", -1));
    if (lines.isEmpty() || !lines.get(0).strip().equals(FENCE)) {
      throw new AgentDefinitionException(
          source, 1, "no frontmatter: the file must start with a line '---', YAML, then '---'");
    }
    int close = -1;
    for (int i = 1; i < lines.size(); i++) {
      if (lines.get(i).strip().equals(FENCE)) {
        close = i;
        break;
      }
    }
    if (close < 0) {
      throw new AgentDefinitionException(
          source, 1, "frontmatter is not closed: add a line '---' after the YAML fields");
    }
    List<String> yamlLines = lines.subList(1, close);
    Map<String, Object> fields = readYaml(yamlLines, source);
    String body = String.join("\n", lines.subList(close + 1, lines.size())).strip();

    String name = requiredString(fields, "name", yamlLines, source);
    if (!AgentDefinition.NAME.matcher(name).matches()) {
      throw new AgentDefinitionException(
          source,
          lineOf(yamlLines, "name"),
          "name '" + name + "' must be lowercase letters, digits, hyphens and dots, starting with a letter or digit "
              + "(at most 64), e.g. 'my-agent'");
    }
    String description =
        requiredString(fields, "description", yamlLines, source).replace("\\n", "\n");
    Optional<List<String>> tools = readToolNames(fields, Frontmatter.TOOLS, yamlLines, source);
    Optional<List<String>> disallowed = readToolNames(fields, Frontmatter.DISALLOWED_TOOLS, yamlLines, source);
    Object model = fields.get(Frontmatter.MODEL);
    String modelName = model == null ? "inherit" : String.valueOf(model).strip();
    Optional<Integer> maxTurns = readMaxTurns(fields.get(Frontmatter.MAX_TURNS), yamlLines, source);
    Optional<PermissionMode> mode = readPermissionMode(fields.get(Frontmatter.PERMISSION_MODE), yamlLines, source);
    Optional<String> initialPrompt = readInitialPrompt(fields.get(Frontmatter.INITIAL_PROMPT), yamlLines, source);
    return new AgentDefinition(name, description, tools, modelName, body, fields, source, disallowed, maxTurns,
        mode.orElse(PermissionMode.DEFAULT), initialPrompt, Frontmatter.review(fields, modelName, mode));
  }

  /**
   * Reads one definition file.
   *
   * @throws AgentDefinitionException for an unreadable or malformed file
   */
  public AgentDefinition load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new AgentDefinitionException(file.toString(), 1, "cannot read the file as UTF-8 text");
    }
    return parse(text, file.toString());
  }

  private Map<String, Object> readYaml(List<String> yamlLines, String source) {
    String yaml = String.join("\n", yamlLines);
    try {
      return asMap(parseYaml(yaml), source);
    } catch (MarkedYAMLException strict) {
      try {
        return asMap(parseYaml(quotePlainScalars(yamlLines)), source);
      } catch (YAMLException lenient) {
        Mark mark = strict.getProblemMark();
        int line = mark == null ? 1 : mark.getLine() + 2; // +1 for 1-based, +1 for the opening ---
        String problem = strict.getProblem() == null ? "invalid YAML" : strict.getProblem();
        throw new AgentDefinitionException(source, line, "bad YAML in frontmatter: " + problem);
      }
    } catch (YAMLException e) {
      throw new AgentDefinitionException(source, 2, "bad YAML in frontmatter");
    }
  }

  private static Object parseYaml(String yaml) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(10);
    return new Yaml(new SafeConstructor(options)).load(yaml);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object parsed, String source) {
    if (parsed == null) {
      throw new AgentDefinitionException(source, 2, "frontmatter is empty: add name and description");
    }
    if (!(parsed instanceof Map<?, ?> map)) {
      throw new AgentDefinitionException(
          source, 2, "frontmatter must be YAML 'key: value' fields, not a list or a scalar");
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    map.forEach((k, v) -> fields.put(String.valueOf(k), v));
    return (Map<String, Object>) (Map<?, ?>) fields;
  }

  /** Quotes every top-level {@code key: plain value} line so that ": " inside it is text. */
  static String quotePlainScalars(List<String> yamlLines) {
    List<String> out = new ArrayList<>(yamlLines.size());
    for (String line : yamlLines) {
      Matcher m = TOP_LEVEL_SCALAR.matcher(line);
      if (m.matches() && !startsStructured(m.group(2))) {
        out.add(m.group(1) + ": '" + m.group(2).replace("'", "''") + "'");
      } else {
        out.add(line);
      }
    }
    return String.join("\n", out);
  }

  private static boolean startsStructured(String value) {
    char c = value.charAt(0);
    return "\"'|>[{&*!#".indexOf(c) >= 0;
  }

  private static String requiredString(
      Map<String, Object> fields, String key, List<String> yamlLines, String source) {
    Object value = fields.get(key);
    if (value == null || String.valueOf(value).isBlank()) {
      throw new AgentDefinitionException(
          source, value == null ? 1 : lineOf(yamlLines, key), "missing required field '" + key + "'");
    }
    if (!(value instanceof String s)) {
      throw new AgentDefinitionException(
          source, lineOf(yamlLines, key), "field '" + key + "' must be text");
    }
    return s.strip();
  }

  private static Optional<List<String>> readToolNames(
      Map<String, Object> fields, String key, List<String> yamlLines, String source) {
    Object value = fields.get(key);
    if (value == null) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    if (value instanceof String s) {
      for (String part : s.split(",")) {
        if (!part.isBlank()) {
          names.add(part.strip());
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (!(item instanceof String s) || s.isBlank()) {
          throw new AgentDefinitionException(
              source, lineOf(yamlLines, key), "every entry of '" + key + "' must be a tool name");
        }
        names.add(s.strip());
      }
    } else {
      throw new AgentDefinitionException(
          source,
          lineOf(yamlLines, key),
          "'" + key + "' must be a comma-separated string or a YAML list of tool names");
    }
    return Optional.of(names);
  }

  /** A positive whole number: a YAML integer or a quoted one ({@code "5"}). */
  private static Optional<Integer> readMaxTurns(Object value, List<String> yamlLines, String source) {
    if (value == null) {
      return Optional.empty();
    }
    long turns;
    if (value instanceof Integer || value instanceof Long) {
      turns = ((Number) value).longValue();
    } else if (value instanceof java.math.BigInteger big) {
      turns = big.signum() > 0 ? Long.MAX_VALUE : 0;
    } else if (value instanceof String s && s.strip().matches("[+-]?[0-9]{1,18}")) {
      turns = Long.parseLong(s.strip());
    } else {
      throw new AgentDefinitionException(source, lineOf(yamlLines, Frontmatter.MAX_TURNS),
          "'maxTurns' must be a whole number of model calls, at least 1 (found '" + value + "')");
    }
    if (turns < 1) {
      throw new AgentDefinitionException(source, lineOf(yamlLines, Frontmatter.MAX_TURNS),
          "'maxTurns' must be at least 1 (found " + turns + "); remove it to use the configured limit");
    }
    return Optional.of((int) Math.min(turns, Integer.MAX_VALUE));
  }

  private static Optional<PermissionMode> readPermissionMode(Object value, List<String> yamlLines, String source) {
    if (value == null) {
      return Optional.empty();
    }
    String written = String.valueOf(value).strip();
    int line = lineOf(yamlLines, Frontmatter.PERMISSION_MODE);
    PermissionMode mode = PermissionMode.of(written).orElseThrow(() -> new AgentDefinitionException(source, line,
        "'permissionMode' " + "'" + written + "' is not a Claude Code permission mode ("
            + String.join(", ", PermissionMode.fieldValues()) + ")"
            + dev.gantry.deploy.spec.DidYouMean.closest(written, PermissionMode.fieldValues())
                .map(m -> ": did you mean '" + m + "'?").orElse("")));
    if (mode == PermissionMode.BYPASS_PERMISSIONS) {
      throw new AgentDefinitionException(source, line, "'permissionMode' " + mode.fieldValue() + " is " + mode.effect());
    }
    return Optional.of(mode);
  }

  private static Optional<String> readInitialPrompt(Object value, List<String> yamlLines, String source) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String s)) {
      throw new AgentDefinitionException(source, lineOf(yamlLines, Frontmatter.INITIAL_PROMPT),
          "'initialPrompt' must be text: the first message the agent receives");
    }
    return s.isBlank() ? Optional.empty() : Optional.of(s.strip());
  }

  /** 1-based file line of a top-level key, or 1 when it is not found. */
  private static int lineOf(List<String> yamlLines, String key) {
    for (int i = 0; i < yamlLines.size(); i++) {
      if (yamlLines.get(i).startsWith(key + ":")) {
        return i + 2;
      }
    }
    return 1;
  }
}

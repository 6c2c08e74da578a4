package dev.gantry.push;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The push rules: which repositories and branches start sessions. The same matching runs in AWS (in
 * the function the EventBridge rule targets) and in {@code gantry serve} (in-process delivery).
 *
 * <p>Rules are YAML or JSON:
 *
 * <pre>
 * rules:
 *   - repository: octo-org/app      # owner/name; for CodeCommit the repository name
 *     branches: [main, release/*]   # omit for the repository's default branch
 *     stack: app-prod               # optional CloudFormation stack name
 *     path: /home/me/src/app        # optional local checkout (gantry serve only)
 * </pre>
 */
public final class PushRules {
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private final List<PushRule> rules;

  /** @param rules the rules, first match wins */
  public PushRules(List<PushRule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** No rules: every push is ignored. */
  public static PushRules none() {
    return new PushRules(List.of());
  }

  /** The rules. */
  public List<PushRule> rules() {
    return rules;
  }

  /**
   * Parses rules text.
   *
   * @param text YAML or JSON with a top-level {@code rules} list
   * @param source where the text came from (a file or variable name), for messages
   * @throws IllegalArgumentException naming the source and the field at fault
   */
  public static PushRules parse(String text, String source) {
    Object document;
    try {
      document = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (YAMLException e) {
      throw new IllegalArgumentException(source + ": not valid YAML or JSON: " + firstLine(e.getMessage()));
    }
    if (!(document instanceof Map<?, ?> map) || !(map.get("rules") instanceof List<?> list)) {
      throw new IllegalArgumentException(source + ": expected a top-level 'rules' list");
    }
    if (map.size() != 1) {
      throw new IllegalArgumentException(source + ": only 'rules' is allowed at the top level");
    }
    List<PushRule> parsed = new java.util.ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      PushRule rule;
      try {
        rule = STRICT.convertValue(list.get(i), PushRule.class);
      } catch (IllegalArgumentException e) {
        String field = e.getCause() instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u
            ? "unknown field '" + u.getPropertyName() + "' (use repository, branches, stack, path, agents)" : "a field has the wrong type";
        throw new IllegalArgumentException(source + ": rules[" + i + "]: " + field);
      }
      if (rule == null || rule.repository() == null || rule.repository().isBlank()) {
        throw new IllegalArgumentException(source + ": rules[" + i + "].repository is missing: name the repository, e.g. octo-org/app");
      }
      parsed.add(rule);
    }
    return new PushRules(parsed);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /**
   * The rule a push matches, or why it matches none.
   *
   * @param rule the matching rule, or empty
   * @param reason for an empty rule, why the push is ignored
   */
  public record Match(Optional<PushRule> rule, String reason) {}

  /**
   * Matches a push: a branch push (not a tag, not a deletion) to a configured repository, on one of
   * the rule's branches or, when the rule lists none, on the repository's default branch.
   */
  public Match match(RepositoryPush push) {
    if (push.deletesRef()) {
      return ignored(push.ref() + " was deleted: nothing to build");
    }
    String branch = push.branch();
    if (branch == null) {
      return ignored(push.ref() + " is not a branch: Gantry starts sessions for branch pushes");
    }
    String repository = push.repository().toLowerCase(Locale.ROOT);
    for (PushRule rule : rules) {
      if (!rule.repository().toLowerCase(Locale.ROOT).equals(repository)) {
        continue;
      }
      if (rule.branches().isEmpty()) {
        if (push.defaultBranch() == null) {
          return ignored(push.provider() + " does not report the default branch of " + push.repository()
              + ": list branches in its push rule");
        }
        if (branch.equals(push.defaultBranch())) {
          return new Match(Optional.of(rule), null);
        }
        return ignored("branch " + branch + " is not the default branch " + push.defaultBranch() + " of " + push.repository());
      }
      if (rule.coversBranch(branch)) {
        return new Match(Optional.of(rule), null);
      }
      return ignored("branch " + branch + " is not among " + rule.branches() + " for " + push.repository());
    }
    return ignored("no push rule names repository " + push.repository());
  }

  private static Match ignored(String reason) {
    return new Match(Optional.empty(), reason);
  }
}

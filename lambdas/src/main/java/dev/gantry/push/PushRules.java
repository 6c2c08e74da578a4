package dev.gantry.push;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.PublishStage;
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
 *     pipeline: deliver             # optional: deliver (default), design, review or implement
 *   - repository: octo-org/app
 *     branches: ["*"]               # every other branch: first match wins
 *     pipeline: review
 * </pre>
 */
public final class PushRules {
  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  /** The fields a rule may have, for messages: {@link PushRule}'s components. */
  private static final String FIELDS = String.join(", ",
      java.util.Arrays.stream(PushRule.class.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName).toList());

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
            ? "unknown field '" + u.getPropertyName() + "' (use " + FIELDS + ")" : "a field has the wrong type";
        throw new IllegalArgumentException(source + ": rules[" + i + "]: " + field);
      }
      if (rule == null || rule.repository() == null || rule.repository().isBlank()) {
        throw new IllegalArgumentException(source + ": rules[" + i + "].repository is missing: name the repository, e.g. octo-org/app");
      }
      if (rule.pipeline() != null && Pipelines.standard().find(rule.pipeline()).isEmpty()) {
        throw new IllegalArgumentException(source + ": rules[" + i + "].pipeline: no pipeline '" + rule.pipeline()
            + "': choose one of " + String.join(", ", Pipelines.standard().names()));
      }
      parsed.add(rule);
    }
    return new PushRules(parsed);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }

  /** Why a push starts nothing, as a short code (the {@code reason} dimension of {@code PushesIgnored}). */
  public enum Ignored {
    /** The event is not a push Gantry reads (a ping, a tag event, another event type). */
    NOT_A_PUSH,
    /** The ref was deleted. */
    DELETED,
    /** The ref is a tag or another non-branch ref. */
    NOT_A_BRANCH,
    /** A branch Gantry pushed itself. */
    GANTRY_BRANCH,
    /** The repository has rules, but none for this branch. */
    OTHER_BRANCH,
    /** No rule names the repository. */
    NO_RULE
  }

  /**
   * The rule a push matches, or why it matches none.
   *
   * @param rule the matching rule, or empty
   * @param reason for an empty rule, why the push is ignored
   * @param ignored for an empty rule, the reason's code
   */
  public record Match(Optional<PushRule> rule, String reason, Ignored ignored) {}

  /**
   * Matches a push: a branch push (not a tag, not a deletion) to a configured repository, on one of
   * the rule's branches or, when the rule lists none, on the repository's default branch. The first
   * rule that matches wins, so a rule for {@code main} before a rule for {@code *} sends main to one
   * pipeline and every other branch to another. Branches Gantry pushes ({@code gantry/<session>})
   * start nothing, so a rule for every branch never chains sessions.
   */
  public Match match(RepositoryPush push) {
    if (push.deletesRef()) {
      return ignored(Ignored.DELETED, push.ref() + " was deleted: nothing to build");
    }
    String branch = push.branch();
    if (branch == null) {
      return ignored(Ignored.NOT_A_BRANCH, push.ref() + " is not a branch: Gantry starts sessions for branch pushes");
    }
    if (branch.startsWith(PublishStage.BRANCH_PREFIX)) {
      return ignored(Ignored.GANTRY_BRANCH, "branch " + branch + " is one Gantry pushed for approved changes: it starts no session");
    }
    String repository = push.repository().toLowerCase(Locale.ROOT);
    String firstReason = null; // why the repository's first rule did not match, if none does
    for (PushRule rule : rules) {
      if (!rule.repository().toLowerCase(Locale.ROOT).equals(repository)) {
        continue;
      }
      String reason;
      if (rule.branches().isEmpty()) {
        if (push.defaultBranch() == null) {
          reason = push.provider() + " does not report the default branch of " + push.repository()
              + ": list branches in its push rule";
        } else if (branch.equals(push.defaultBranch())) {
          return new Match(Optional.of(rule), null, null);
        } else {
          reason = "branch " + branch + " is not the default branch " + push.defaultBranch() + " of " + push.repository();
        }
      } else if (rule.coversBranch(branch)) {
        return new Match(Optional.of(rule), null, null);
      } else {
        reason = "branch " + branch + " is not among " + rule.branches() + " for " + push.repository();
      }
      firstReason = firstReason == null ? reason : firstReason;
    }
    return firstReason != null ? ignored(Ignored.OTHER_BRANCH, firstReason)
        : ignored(Ignored.NO_RULE, "no push rule names repository " + push.repository());
  }

  private static Match ignored(Ignored code, String reason) {
    return new Match(Optional.empty(), reason, code);
  }
}

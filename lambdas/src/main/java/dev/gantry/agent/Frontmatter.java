package dev.gantry.agent;

import dev.gantry.deploy.spec.DidYouMean;
import dev.gantry.model.ModelSelection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What each frontmatter field of a Claude Code subagent file means to Gantry, and the notes a
 * listing shows about one file: fields kept but not used (and why), keys that look misspelt (with
 * a did-you-mean), a model alias Gantry does not know.
 *
 * <p>Source: Claude Code documentation, "Subagents", section "Supported frontmatter fields":
 * {@code name}, {@code description}, {@code tools}, {@code disallowedTools}, {@code model}, {@code
 * permissionMode}, {@code maxTurns}, {@code skills}, {@code mcpServers}, {@code hooks}, {@code
 * memory}, {@code background}, {@code effort}, {@code isolation}, {@code color}, {@code
 * initialPrompt}. Gantry honours the first seven and {@code initialPrompt}; it keeps the others in
 * {@link AgentDefinition#frontmatter()} and says why each is not used ({@link #IGNORED}).
 */
public final class Frontmatter {
  /** Required: the agent's name. */
  public static final String NAME = "name";
  /** Required: when to use the agent. */
  public static final String DESCRIPTION = "description";
  /** Allowed Claude Code tools, a comma-separated string or a YAML list; absent means every tool. */
  public static final String TOOLS = "tools";
  /** Denied Claude Code tools, same forms; applied before {@link #TOOLS}. */
  public static final String DISALLOWED_TOOLS = "disallowedTools";
  /** An alias, a full model id or {@code inherit}. */
  public static final String MODEL = "model";
  /** A {@link PermissionMode}. */
  public static final String PERMISSION_MODE = "permissionMode";
  /** The most model calls (agentic turns) of one run, a positive integer. */
  public static final String MAX_TURNS = "maxTurns";
  /** Text sent as the first user turn, before the stage's task. */
  public static final String INITIAL_PROMPT = "initialPrompt";

  /** The fields Gantry reads and honours. */
  public static final List<String> HONOURED =
      List.of(NAME, DESCRIPTION, TOOLS, DISALLOWED_TOOLS, MODEL, PERMISSION_MODE, MAX_TURNS, INITIAL_PROMPT);

  /** Claude Code fields Gantry keeps but does not use, each with the reason, in the documentation's order. */
  public static final Map<String, String> IGNORED = ignored();

  /** Every field Claude Code defines: {@link #HONOURED} and {@link #IGNORED}, the candidates of a did-you-mean. */
  public static final List<String> KNOWN = known();

  private Frontmatter() {}

  /**
   * One remark about one field of one file.
   *
   * @param field the frontmatter key as written
   * @param kind how much it matters
   * @param message what Gantry does with the field, or what looks wrong and how to fix it
   */
  public record Note(String field, Kind kind, String message) {
    /** How much a note matters. None stops the agent from loading; problems that do are {@link AgentDefinitionException}s. */
    public enum Kind {
      /** Probably a mistake: a misspelt key, an unknown model alias. */
      WARNING,
      /** Kept in the frontmatter, not used by Gantry. */
      IGNORED,
      /** Honoured, with a remark on what it changes (a permission mode that changes nothing). */
      ACCEPTED
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + ": " + field + ": " + message;
    }
  }

  /**
   * The notes about one file's fields, in field order: every ignored Claude Code field (with why),
   * every unknown key (a {@link Note.Kind#WARNING} with a did-you-mean when it is close to a known
   * field, e.g. {@code tool}, {@code disallowed-tools}, {@code maxturns}, {@code modle}), a model
   * that looks like an alias Claude Code does not define, and a permission mode that changes nothing.
   *
   * @param fields the frontmatter as parsed
   * @param model the {@code model} field, {@code inherit} when absent
   * @param mode the permission mode, when the field is present
   */
  static List<Note> review(Map<String, Object> fields, String model, Optional<PermissionMode> mode) {
    List<Note> notes = new ArrayList<>();
    for (String key : fields.keySet()) {
      if (IGNORED.containsKey(key)) {
        notes.add(new Note(key, Note.Kind.IGNORED, IGNORED.get(key)));
      } else if (!HONOURED.contains(key)) {
        Optional<String> meant = DidYouMean.closest(key, KNOWN);
        notes.add(meant.isPresent()
            ? new Note(key, Note.Kind.WARNING, "not a Claude Code field: did you mean '" + meant.get() + "'? It is ignored as written")
            : new Note(key, Note.Kind.IGNORED, "not a Claude Code field; kept, unused"));
      } else if (key.equals(MODEL) && !knownModel(model)) {
        notes.add(new Note(key, Note.Kind.WARNING, unknownAlias(model)));
      } else if (key.equals(PERMISSION_MODE) && mode.isPresent()) {
        notes.add(new Note(key, Note.Kind.ACCEPTED, mode.get().fieldValue() + ": " + mode.get().effect()));
      }
    }
    return notes;
  }

  private static boolean knownModel(String model) {
    return model.equals(ModelSelection.INHERIT) || ModelSelection.CLAUDE_CODE_ALIASES.contains(model)
        || !ModelSelection.looksLikeAlias(model);
  }

  private static String unknownAlias(String model) {
    List<String> known = new ArrayList<>(ModelSelection.CLAUDE_CODE_ALIASES);
    known.add(ModelSelection.INHERIT);
    return "'" + model + "' is not a model alias Gantry knows (" + String.join(", ", known)
        + DidYouMean.closest(model, known).map(m -> "; did you mean '" + m + "'?").orElse("")
        + "): a stage that runs this agent fails before calling a model; use an alias, 'inherit' or a full model id";
  }

  private static Map<String, String> ignored() {
    Map<String, String> reasons = new LinkedHashMap<>();
    reasons.put("skills", "not supported server-side: Gantry has no skill store; put what the agent needs in its body");
    reasons.put("mcpServers", "not supported server-side: MCP servers are not reachable from a Lambda function");
    reasons.put("hooks", "not supported server-side: hooks run commands on the machine, which a stage never does");
    reasons.put("memory", "not supported server-side: a stage starts without memory; documents carry what one stage tells the next");
    reasons.put("background", "does not apply: each stage runs its agent as one step of the session");
    reasons.put("effort", "not passed to the model: Gantry sets no reasoning effort");
    reasons.put("isolation", "does not apply: every stage already reads its own read-only snapshot of one commit");
    reasons.put("color", "display only");
    return java.util.Collections.unmodifiableMap(reasons);
  }

  private static List<String> known() {
    List<String> known = new ArrayList<>(HONOURED);
    known.addAll(IGNORED.keySet());
    return List.copyOf(known);
  }
}

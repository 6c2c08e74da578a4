package dev.gantry.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An agent definition: a Markdown file with YAML frontmatter in the Claude Code subagent format.
 *
 * <p>Source: Claude Code documentation, "Subagents" (file format: {@code name} and {@code
 * description} required; {@code tools} a comma-separated list or YAML list, absent meaning all
 * tools; {@code disallowedTools} removed from that; {@code model} an alias such as {@code sonnet},
 * {@code opus}, {@code haiku}, {@code inherit}, or a model id; {@code permissionMode}; {@code
 * maxTurns}; {@code initialPrompt}). What Gantry does with each field is in {@link Frontmatter}.
 *
 * @param name unique name: lowercase letters, digits, hyphens and dots, starting with a letter or
 *     digit ({@link #NAME})
 * @param description when to use the agent; literal {@code \n} escapes turned into line breaks
 * @param tools Claude Code tool names as written, or empty when the field is absent
 * @param model the {@code model} field, {@code inherit} when absent
 * @param body the Markdown after the frontmatter: the agent's system prompt
 * @param frontmatter every frontmatter field as parsed, including ones Gantry does not use
 * @param source where it was read from (a file path or a label), for messages
 * @param disallowedTools Claude Code tool names the file denies, as written; empty when absent
 * @param maxTurns the {@code maxTurns} field: the most model calls of one run (at least 1), never
 *     more than the configured limit ({@code GANTRY_MAX_TURNS}); empty when absent
 * @param permissionMode the {@code permissionMode} field ({@link PermissionMode#DEFAULT} when
 *     absent); never {@link PermissionMode#BYPASS_PERMISSIONS}, which does not load
 * @param initialPrompt the {@code initialPrompt} field: the first text of the first user turn,
 *     before the stage's task; empty when absent or blank
 * @param notes what a listing should say about the fields: ignored ones and why, likely mistakes
 */
public record AgentDefinition(
    String name,
    String description,
    Optional<List<String>> tools,
    String model,
    String body,
    Map<String, Object> frontmatter,
    String source,
    Optional<List<String>> disallowedTools,
    Optional<Integer> maxTurns,
    PermissionMode permissionMode,
    Optional<String> initialPrompt,
    List<Frontmatter.Note> notes) {

  /**
   * What an agent name may be: 1 to 64 lowercase letters, digits, hyphens and dots, starting with a
   * letter or digit. Claude Code asks for lowercase letters and hyphens; real files also use digits
   * and dots ({@code dotnet-framework-4.8-expert}), and Claude Code runs them, so Gantry does too.
   */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

  public AgentDefinition {
    tools = tools.map(List::copyOf);
    frontmatter = Map.copyOf(frontmatter);
    disallowedTools = disallowedTools.map(List::copyOf);
    notes = List.copyOf(notes);
    if (maxTurns.isPresent() && maxTurns.get() < 1) {
      throw new IllegalArgumentException("maxTurns must be at least 1");
    }
    if (permissionMode == PermissionMode.BYPASS_PERMISSIONS) {
      throw new IllegalArgumentException("permissionMode " + permissionMode.fieldValue() + " is refused");
    }
  }

  /** A definition that uses only the fields Gantry first read: no denied tools, turn cap, mode or initial prompt. */
  public AgentDefinition(
      String name, String description, Optional<List<String>> tools, String model, String body,
      Map<String, Object> frontmatter, String source) {
    this(name, description, tools, model, body, frontmatter, source, Optional.empty(), Optional.empty(),
        PermissionMode.DEFAULT, Optional.empty(), List.of());
  }
}

package dev.gantry.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An agent definition: a Markdown file with YAML frontmatter in the Claude Code subagent format.
 *
 * <p>Source: Claude Code documentation, "Subagents" (file format: {@code name} and {@code
 * description} required; {@code tools} a comma-separated list, absent meaning all tools; {@code
 * model} an alias such as {@code sonnet}, {@code opus}, {@code haiku}, {@code inherit}, or a model
 * id).
 *
 * @param name unique name: lowercase letters, digits, hyphens and dots, starting with a letter or
 *     digit ({@link #NAME})
 * @param description when to use the agent; literal {@code \n} escapes turned into line breaks
 * @param tools Claude Code tool names as written, or empty when the field is absent
 * @param model the {@code model} field, {@code inherit} when absent
 * @param body the Markdown after the frontmatter: the agent's system prompt
 * @param frontmatter every frontmatter field as parsed, including ones Gantry does not use
 * @param source where it was read from (a file path or a label), for messages
 */
public record AgentDefinition(
    String name,
    String description,
    Optional<List<String>> tools,
    String model,
    String body,
    Map<String, Object> frontmatter,
    String source) {

  /**
   * What an agent name may be: 1 to 64 lowercase letters, digits, hyphens and dots, starting with a
   * letter or digit. Claude Code asks for lowercase letters and hyphens; real files also use digits
   * and dots ({@code dotnet-framework-4.8-expert}), and Claude Code runs them, so Gantry does too.
   */
  public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{0,63}");

  public AgentDefinition {
    tools = tools.map(List::copyOf);
    frontmatter = Map.copyOf(frontmatter);
  }
}

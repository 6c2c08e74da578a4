package dev.gantry.agent;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An agent definition: a Markdown file with YAML frontmatter in the Claude Code subagent format.
 *
 * <p>Source: Claude Code documentation, "Subagents" (file format: {@code name} and {@code
 * description} required; {@code tools} a comma-separated list, absent meaning all tools; {@code
 * model} an alias such as {@code sonnet}, {@code opus}, {@code haiku}, {@code inherit}, or a model
 * id).
 *
 * @param name unique name, lowercase letters, digits and hyphens
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

  public AgentDefinition {
    tools = tools.map(List::copyOf);
    frontmatter = Map.copyOf(frontmatter);
  }
}

package dev.gantry.model;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns an agent's {@code model} field into a model id: {@code inherit} (or an absent field) means
 * the default; the aliases {@code sonnet}, {@code opus} and {@code haiku} map to configured ids;
 * anything else that {@linkplain #looksLikeAlias looks like an alias} is an unknown alias, and the
 * rest is taken as a model or inference profile id.
 *
 * <p>Source: Claude Code documentation, "Subagents": {@code model} is an alias ({@code sonnet},
 * {@code opus}, {@code haiku}), a full model id, or {@code inherit}, the default.
 *
 * @param defaultModelId the id used for {@code inherit}
 * @param aliases alias → model id
 */
public record ModelSelection(String defaultModelId, Map<String, String> aliases) {
  /** The value that means "the default model", as in Claude Code. */
  public static final String INHERIT = "inherit";

  /** The aliases Claude Code defines for subagents, which Gantry maps to configured model ids. */
  public static final List<String> CLAUDE_CODE_ALIASES = List.of("sonnet", "opus", "haiku");

  /**
   * What an alias looks like, as opposed to a model id: lowercase letters only, optionally with a
   * bracketed suffix ({@code sonnet[1m]}). Model ids carry a digit, dot, colon, slash or hyphen
   * ({@code us.anthropic.claude-sonnet-4-20250514-v1:0}, {@code claude-opus-4-1}, {@code
   * qwen2.5-coder:14b}).
   */
  private static final Pattern ALIAS = Pattern.compile("[a-z]+(\\[[a-z0-9]+])?");

  public ModelSelection {
    aliases = Map.copyOf(aliases);
  }

  /**
   * The model id for an agent's {@code model} field. An unknown alias is returned as it is (a
   * provider then refuses it); call {@link #knows} first to fail before any model call.
   */
  public String resolve(String agentModel) {
    if (agentModel == null || agentModel.isBlank() || agentModel.equals(INHERIT)) {
      return defaultModelId;
    }
    return aliases.getOrDefault(agentModel, agentModel);
  }

  /**
   * Whether {@code agentModel} can be resolved: absent, {@code inherit}, a configured alias, or
   * something that does not {@linkplain #looksLikeAlias look like an alias} (a model id). False for
   * an unknown alias such as {@code sonet}.
   */
  public boolean knows(String agentModel) {
    if (agentModel == null || agentModel.isBlank() || agentModel.equals(INHERIT) || aliases.containsKey(agentModel)) {
      return true;
    }
    return !looksLikeAlias(agentModel);
  }

  /** The configured aliases and {@code inherit}, sorted, for messages. */
  public List<String> knownAliases() {
    TreeSet<String> known = new TreeSet<>(aliases.keySet());
    known.add(INHERIT);
    return List.copyOf(known);
  }

  /**
   * Whether a {@code model} value reads as an alias rather than a model id: lowercase letters only,
   * optionally with a bracketed suffix ({@code sonnet}, {@code sonet}, {@code sonnet[1m]}).
   */
  public static boolean looksLikeAlias(String agentModel) {
    return agentModel != null && ALIAS.matcher(agentModel).matches();
  }
}

package dev.gantry.model;

import java.util.Map;

/**
 * Turns an agent's {@code model} field into a model id: {@code inherit} (or an absent field) means
 * the default; the aliases {@code sonnet}, {@code opus} and {@code haiku} map to configured ids;
 * anything else is taken as a model or inference profile id.
 *
 * @param defaultModelId the id used for {@code inherit}
 * @param aliases alias → model id
 */
public record ModelSelection(String defaultModelId, Map<String, String> aliases) {
  public ModelSelection {
    aliases = Map.copyOf(aliases);
  }

  /** The model id for an agent's {@code model} field. */
  public String resolve(String agentModel) {
    if (agentModel == null || agentModel.isBlank() || agentModel.equals("inherit")) {
      return defaultModelId;
    }
    return aliases.getOrDefault(agentModel, agentModel);
  }
}

package dev.gantry.config;

import dev.gantry.model.ModelClient;
import dev.gantry.model.offline.OfflineModel;

/** The model client {@code GANTRY_MODEL_PROVIDER} names, for the gantry command and the stage functions alike. */
public final class ModelClients {
  private ModelClients() {}

  /**
   * @throws IllegalArgumentException naming {@value EnvironmentVariables#MODEL_PROVIDER} for a
   *     provider this build does not have
   */
  public static ModelClient fromSettings(Settings settings) {
    if (!settings.modelProvider().equals("offline")) {
      throw new IllegalArgumentException(EnvironmentVariables.MODEL_PROVIDER + "=" + settings.modelProvider()
          + " is not available yet: unset it to use the offline model");
    }
    return new OfflineModel();
  }
}

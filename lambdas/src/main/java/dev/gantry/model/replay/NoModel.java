package dev.gantry.model.replay;

import dev.gantry.model.ModelClient;
import dev.gantry.model.ModelException;
import dev.gantry.model.ModelRequest;
import dev.gantry.model.ModelResponse;

/**
 * A model client for wiring that must call no model (a replay, which answers from recordings): every
 * call fails, not retryably, saying why. It never opens a connection.
 */
public final class NoModel implements ModelClient {
  private final String description;

  /** @param description what answers instead, shown by {@link #describe()} (and in a report's "Agents ran on") */
  public NoModel(String description) {
    this.description = description;
  }

  /** @throws ModelException always, not retryable */
  @Override
  public ModelResponse converse(ModelRequest request) {
    throw new ModelException("no model may be called here (" + description + ")", false, null);
  }

  @Override
  public String describe() {
    return description;
  }
}

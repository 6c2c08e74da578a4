package dev.gantry.pipeline;

/**
 * A stage cannot complete and retrying will not help: an agent that stopped before writing its
 * documents, a missing agent, a template that changed after approval. Ends the session FAILED.
 */
public class StageFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message one line a user can act on */
  public StageFailedException(String message) {
    super(message);
  }
}

package dev.gantry.pipeline;

/** A stage failed for a reason that may pass (a throttled store call); its retry policy applies. */
public class TransientStageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what failed */
  public TransientStageException(String message, Throwable cause) {
    super(message, cause);
  }
}

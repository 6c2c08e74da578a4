package dev.gantry.model;

/**
 * A model call failed.
 *
 * <p>Retryable failures (throttling, a dropped connection before any output) may be sent again by
 * the stage's retry policy; a timed-out generation is never retried, because the provider may bill
 * each attempt.
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;

  /**
   * @param message what failed, without prompt text
   * @param retryable whether the same request may be sent again
   * @param cause the underlying error, or null
   */
  public ModelException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same request may be sent again. */
  public boolean retryable() {
    return retryable;
  }
}

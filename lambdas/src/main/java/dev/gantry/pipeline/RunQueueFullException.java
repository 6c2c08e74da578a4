package dev.gantry.pipeline;

/**
 * A session's run could not be queued: {@link InProcessWorkflow}'s queue of runs waiting for a
 * thread is full. The session has been recorded FAILED; a new request may succeed once runs drain.
 * Retryable by the caller after {@link #retryAfterSeconds()} (HTTP 503 with {@code Retry-After}).
 */
public class RunQueueFullException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final long retryAfterSeconds;

  /**
   * @param message what was refused and why, naming no secrets
   * @param retryAfterSeconds when a new request may find room, in whole seconds (at least 1)
   */
  public RunQueueFullException(String message, long retryAfterSeconds) {
    super(message, null, false, false);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  /** When a new request may find room, in whole seconds, at least 1. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}

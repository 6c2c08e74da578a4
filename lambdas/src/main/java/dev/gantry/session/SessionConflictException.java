package dev.gantry.session;

/**
 * A conditional write lost: the session's status or version changed since it was read (another
 * decision, a concurrent stage), or the id exists. Not retryable as is: re-read and decide again.
 */
public class SessionConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message which session and what was expected */
  public SessionConflictException(String message) {
    super(message);
  }
}

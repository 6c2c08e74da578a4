package dev.gantry.session;

/**
 * An approval decision was refused and nothing changed: the session is not awaiting approval
 * (already decided, finished), the digest is not the one awaiting approval, or another decision won
 * a race. HTTP 409.
 */
public class DecisionRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message why, and what the caller can do */
  public DecisionRefusedException(String message) {
    super(message);
  }
}

package dev.gantry.session;

/**
 * An idempotency key came back with a different request than the one that first used it; nothing
 * was started. HTTP 422, as the IETF "The Idempotency-Key HTTP Header Field" draft recommends.
 */
public class IdempotencyKeyReusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message which key and session, and what to do */
  public IdempotencyKeyReusedException(String message) {
    super(message);
  }
}

package dev.gantry.session;

/**
 * The audit MAC key could not be used: the key service was unreachable or refused the call, or the
 * local key file is unreadable or readable by others. Retryable when the cause is transient; nothing
 * was written.
 */
public class AuditKeyUnavailableException extends RuntimeException {
  /** @param message names the key and what failed, without secrets */
  public AuditKeyUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.gantry.repo;

/**
 * A repository could not be checked out: an unknown host, a refused credential, a ref that does not
 * exist, a limit reached. The message is for the user and never holds a token; {@link #retryable()}
 * says whether trying again may help (a network error) or not (authentication, a missing ref).
 */
public class RepositoryFetchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * @param message what failed and what to do about it
   * @param retryable whether another attempt may succeed
   * @param cause the underlying error, or null
   */
  public RepositoryFetchException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether another attempt may succeed (a network error), or not (authentication, a missing ref). */
  public boolean retryable() {
    return retryable;
  }
}

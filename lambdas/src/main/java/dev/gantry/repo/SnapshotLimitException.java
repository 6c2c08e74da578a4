package dev.gantry.repo;

/**
 * A snapshot reached one of its {@link SnapshotLimits}. Not retryable: the same commit reaches the
 * same limit. The message names the limit, its setting and the value reached.
 */
public final class SnapshotLimitException extends RepositoryFetchException {
  private static final long serialVersionUID = 1L;

  /** @param message which limit, its setting, and what was reached */
  public SnapshotLimitException(String message) {
    super(message, false, null);
  }
}

package dev.gantry.repo;

/**
 * A request to read the repository was refused: a path outside the repository root, a missing or
 * binary file, an invalid pattern. The message is safe to show to the model and the user.
 */
public class RepositoryAccessException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what was refused and why */
  public RepositoryAccessException(String message) {
    super(message);
  }
}

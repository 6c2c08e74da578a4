package dev.gantry.pipeline.replay;

/**
 * A replay was refused before it started because the recording cannot be trusted: the original's
 * audit log does not verify, or a transcript or its repository snapshot is missing from the
 * document store or no longer has the SHA-256 recorded on the session. Nothing was replayed and no
 * session was created. Not retryable: the same recording is refused again.
 */
public class ReplayRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what cannot be trusted, naming the session and the document */
  public ReplayRefusedException(String message) {
    super(message);
  }
}

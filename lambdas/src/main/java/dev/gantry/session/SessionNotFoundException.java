package dev.gantry.session;

/** No session has the given id. */
public class SessionNotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param sessionId the id looked up */
  public SessionNotFoundException(String sessionId) {
    super("no session with id " + sessionId);
  }
}

package dev.gantry.deploy;

/**
 * The names and idempotency tokens of a session's CloudFormation operations, derived from the
 * session id so every retry of a task sends the same ones. Change set names match {@code
 * [a-zA-Z][-a-zA-Z0-9]*} (at most 128 characters) and client tokens {@code [a-zA-Z0-9][-a-zA-Z0-9]*}
 * (at most 128), as the CloudFormation API Reference requires; a session id is a UUID.
 */
public final class DeploymentNames {
  private DeploymentNames() {}

  /** The session's change set: {@code gantry-{sessionId}}. */
  public static String changeSetName(String sessionId) {
    return "gantry-" + sessionId;
  }

  /** {@code ClientToken} of the session's CreateChangeSet. */
  public static String createToken(String sessionId) {
    return "gantry-create-" + sessionId;
  }

  /** {@code ClientRequestToken} of the session's ExecuteChangeSet; the stack events it causes carry it. */
  public static String executeToken(String sessionId) {
    return "gantry-execute-" + sessionId;
  }

  /** {@code ClientRequestToken} of the DeleteStack that clears a failed first create. */
  public static String deleteToken(String sessionId) {
    return "gantry-delete-" + sessionId;
  }
}

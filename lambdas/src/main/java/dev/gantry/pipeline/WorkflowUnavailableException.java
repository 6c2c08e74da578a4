package dev.gantry.pipeline;

/**
 * The run that carries sessions (Step Functions in AWS) could not be reached or refused for a
 * passing reason (a network error, throttling); what was recorded stays recorded and the same call
 * may be repeated. Transport-neutral, so callers need not know the AWS SDK.
 */
public final class WorkflowUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what did not reach the run, and the cause's kind */
  public WorkflowUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.gantry.deploy;

/**
 * A stack operation could not be asked of CloudFormation: a refused permission, a throttled or
 * unreachable endpoint. The message quotes CloudFormation's own reason; {@link #retryable()} says
 * whether another attempt may help (throttling left after the SDK's retries, a 5xx, the network) or
 * not (access denied, a validation error).
 */
public class StackOperationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;

  /**
   * @param message what failed, with CloudFormation's reason
   * @param retryable whether another attempt may succeed
   * @param cause the SDK error
   */
  public StackOperationException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether another attempt may succeed. */
  public boolean retryable() {
    return retryable;
  }
}

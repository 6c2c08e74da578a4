package dev.gantry.pipeline;

/** A stage attempt ran longer than its declared timeout ({@code States.Timeout} in Step Functions). Not retried. */
public class StageTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message which stage and its timeout */
  public StageTimeoutException(String message) {
    super(message);
  }
}

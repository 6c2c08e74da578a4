package dev.gantry.model;

/**
 * The model provider refused the call for now (Bedrock {@code ThrottlingException}, HTTP 429 or
 * 503). Retryable: nothing was generated, so nothing was billed.
 */
public class ModelThrottledException extends ModelException {
  private static final long serialVersionUID = 1L;

  /** @param message what the provider said, without prompt text */
  public ModelThrottledException(String message, Throwable cause) {
    super(message, true, cause);
  }
}

package dev.gantry.push;

/**
 * A verified push could not be handed on (the event bus refused it, the session store was
 * unreachable). Nothing was started; the provider should redeliver. HTTP 503.
 */
public class PushDeliveryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what failed, without secrets */
  public PushDeliveryException(String message, Throwable cause) {
    super(message, cause);
  }
}

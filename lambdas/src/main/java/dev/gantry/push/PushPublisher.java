package dev.gantry.push;

/**
 * Where a verified push goes: the EventBridge bus in AWS ({@link EventBridgePushPublisher}), or
 * straight to the rule matching in {@code gantry serve} ({@link PushSessionStarter}).
 */
@FunctionalInterface
public interface PushPublisher {
  /**
   * Hands the push on.
   *
   * @throws PushDeliveryException when it could not be handed on; the delivery should be retried
   */
  void publish(RepositoryPush push);
}

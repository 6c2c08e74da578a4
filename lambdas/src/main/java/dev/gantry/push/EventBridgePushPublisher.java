package dev.gantry.push;

import dev.gantry.json.Json;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts each push on a custom EventBridge bus as a {@value RepositoryPush#DETAIL_TYPE} event from
 * {@value RepositoryPush#SOURCE}. PutEvents can succeed as a call while failing an entry, so the
 * response's {@code FailedEntryCount} and the entry's {@code ErrorCode} are checked (Amazon
 * EventBridge API reference, PutEvents: "Handling failures").
 */
public final class EventBridgePushPublisher implements PushPublisher {
  private final java.util.function.Supplier<EventBridgeClient> events;
  private final String busName;

  /** With a client already built (tests, the gantry command). */
  public EventBridgePushPublisher(EventBridgeClient events, String busName) {
    this(() -> events, busName);
  }

  /**
   * @param events the client, built on first use (a role builds at init only the clients its first request needs)
   * @param busName the custom bus name or ARN
   */
  public EventBridgePushPublisher(java.util.function.Supplier<EventBridgeClient> events, String busName) {
    this.events = events;
    this.busName = busName;
  }

  @Override
  public void publish(RepositoryPush push) {
    PutEventsRequestEntry entry =
        PutEventsRequestEntry.builder()
            .eventBusName(busName)
            .source(RepositoryPush.SOURCE)
            .detailType(RepositoryPush.DETAIL_TYPE)
            .resources(push.cloneUrl())
            .detail(Json.write(push))
            .build();
    PutEventsResponse response;
    try {
      response = events.get().putEvents(b -> b.entries(entry));
    } catch (SdkException e) {
      throw new PushDeliveryException("PutEvents to " + busName + " failed (" + e.getClass().getSimpleName() + ")", e);
    }
    Integer failed = response.failedEntryCount();
    if (failed != null && failed > 0) {
      PutEventsResultEntry result = response.entries().isEmpty() ? null : response.entries().get(0);
      String code = result == null ? "unknown" : result.errorCode();
      throw new PushDeliveryException("EventBridge refused the push event of delivery " + push.deliveryId() + ": " + code, null);
    }
  }
}

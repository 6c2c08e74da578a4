package dev.gantry.pipeline;

import dev.gantry.json.Json;
import dev.gantry.session.Session;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Puts an {@value #DETAIL_TYPE} event from {@value #SOURCE} on the custom bus when a session starts
 * waiting for approval, so a team routes it where reviewers look (an SNS topic, a chat webhook
 * through an API destination). Detail: {@code sessionId}, {@code goal}, {@code stack}, {@code
 * digest}, {@code document} (what the digest is of: {@code template.yaml}, {@code changes.patch}), {@code repository}. Never carries the task token. PutEvents' {@code FailedEntryCount} is
 * checked (EventBridge API reference, PutEvents); failures are logged, since the session waits
 * either way and the API lists it.
 */
public final class EventBridgeApprovalNotifier implements ApprovalNotifier {
  /** Event source. */
  public static final String SOURCE = "gantry.sessions";
  /** Event detail type. */
  public static final String DETAIL_TYPE = "ApprovalRequested";
  private static final Logger LOG = LoggerFactory.getLogger(EventBridgeApprovalNotifier.class);

  private final java.util.function.Supplier<EventBridgeClient> events;
  private final String busName;

  /** With a client already built (tests, the gantry command). */
  public EventBridgeApprovalNotifier(EventBridgeClient events, String busName) {
    this(() -> events, busName);
  }

  /**
   * @param events the client, built on first use (a role builds at init only the clients its first request needs)
   * @param busName the custom bus name or ARN
   */
  public EventBridgeApprovalNotifier(java.util.function.Supplier<EventBridgeClient> events, String busName) {
    this.events = events;
    this.busName = busName;
  }

  @Override
  public void approvalRequested(Session session) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("sessionId", session.sessionId());
    detail.put("goal", session.goal());
    detail.put("stack", session.stackName());
    detail.put("digest", session.pendingDigest());
    detail.put("document", session.pendingDocument());
    detail.put("repository", session.repository());
    if (session.pendingChangeSet() != null) {
      // what the reviewer is asked to approve, with the risks they must see (EventBridge caps an entry at 256 KB)
      detail.put("changeSet", session.pendingChangeSet());
    }
    try {
      PutEventsResponse response = events.get().putEvents(b -> b.entries(e -> e.eventBusName(busName).source(SOURCE)
          .detailType(DETAIL_TYPE).detail(Json.write(detail))));
      if (response.failedEntryCount() != null && response.failedEntryCount() > 0) {
        LOG.warn("approval notice for session {} refused by EventBridge: {}", session.sessionId(),
            response.entries().isEmpty() ? "unknown" : response.entries().get(0).errorCode());
      }
    } catch (SdkException e) {
      LOG.warn("approval notice for session {} not sent: {}", session.sessionId(), e.toString());
    }
  }
}

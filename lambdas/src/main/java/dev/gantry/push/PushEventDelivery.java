package dev.gantry.push;

import dev.gantry.telemetry.Telemetry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one EventBridge event to the push rules: Gantry's own {@code RepositoryPush} events and
 * CodeCommit {@code referenceUpdated} events ({@link PushEvents#fromEventBridge}) start sessions
 * through {@link PushSessionStarter}; anything else, or a push no rule matches, is ignored with a
 * reason (logged and counted). A failure is thrown, so EventBridge retries it.
 */
public final class PushEventDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(PushEventDelivery.class);

  private final PushSessionStarter starter;
  private final Telemetry telemetry;

  /**
   * @param starter starts the session a push names
   * @param telemetry told of pushes that start nothing, and why
   */
  public PushEventDelivery(PushSessionStarter starter, Telemetry telemetry) {
    this.starter = starter;
    this.telemetry = telemetry;
  }

  /** The push an event carries, for the log keys, or empty for any other event. */
  public static Optional<RepositoryPush> push(EventBridgeEvent event) {
    return PushEvents.fromEventBridge(event);
  }

  /**
   * Delivers {@code event}.
   *
   * @return {@code {sessionId?, created, ignored?}}: the session started (or started earlier by the
   *     same delivery id), and why nothing started, if so
   */
  public Map<String, Object> deliver(EventBridgeEvent event) {
    Optional<RepositoryPush> push = push(event);
    Map<String, Object> result = new LinkedHashMap<>();
    if (push.isEmpty()) {
      String reason = "not a RepositoryPush or CodeCommit referenceUpdated event";
      result.put("ignored", reason);
      LOG.info("event {} ignored: {}", event.id(), reason);
      telemetry.pushIgnored(PushRules.Ignored.NOT_A_PUSH.name());
      return result;
    }
    PushSessionStarter.Outcome outcome = starter.deliver(push.get());
    outcome.session().ifPresent(s -> result.put("sessionId", s.sessionId()));
    result.put("created", outcome.created());
    if (outcome.ignoredBecause() != null) {
      result.put("ignored", outcome.ignoredBecause());
      LOG.info("push delivery {} ignored: {}", push.get().deliveryId(), outcome.ignoredBecause());
      telemetry.pushIgnored(outcome.ignored() == null ? "UNKNOWN" : outcome.ignored().name());
    }
    return result;
  }
}

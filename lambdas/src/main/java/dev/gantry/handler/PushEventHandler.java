package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.push.PushEvents;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.RepositoryPush;
import dev.gantry.telemetry.TaskLog;
import dev.gantry.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target of the EventBridge rule for repository pushes: Gantry's own {@code RepositoryPush}
 * events and CodeCommit {@code referenceUpdated} events go through the same rule matching as {@code
 * gantry serve}'s in-process delivery. A failure is thrown, so EventBridge retries and finally sends
 * the event to the rule's dead-letter queue; the delivery id keeps retries to one session.
 */
public final class PushEventHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PushEventHandler.class);

  private final PushSessionStarter starter;
  private final Telemetry telemetry;

  /** Wires everything from the Lambda environment. */
  public PushEventHandler() {
    this(AwsGantry.pushes(System.getenv()), AwsGantry.telemetry());
  }

  /** @param starter the push session starter (tests pass one on local stores) */
  public PushEventHandler(PushSessionStarter starter) {
    this(starter, Telemetry.NONE);
  }

  /**
   * @param starter the push session starter
   * @param telemetry told of pushes that start nothing, and why
   */
  public PushEventHandler(PushSessionStarter starter, Telemetry telemetry) {
    this.starter = starter;
    this.telemetry = telemetry;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = Json.MAPPER.readTree(input);
    Optional<RepositoryPush> push = PushEvents.fromEventBridge(event);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("deliveryId", push.map(RepositoryPush::deliveryId).orElse(null));
    output.write(TaskLog.run(context, keys, () -> {
      Map<String, Object> result = new LinkedHashMap<>();
      if (push.isEmpty()) {
        String reason = "not a RepositoryPush or CodeCommit referenceUpdated event";
        result.put("ignored", reason);
        LOG.info("event {} ignored: {}", event.path("id").asText(null), reason);
        telemetry.pushIgnored(PushRules.Ignored.NOT_A_PUSH.name());
      } else {
        PushSessionStarter.Outcome outcome = starter.deliver(push.get());
        outcome.session().ifPresent(s -> result.put("sessionId", s.sessionId()));
        result.put("created", outcome.created());
        if (outcome.ignoredBecause() != null) {
          result.put("ignored", outcome.ignoredBecause());
          LOG.info("push delivery {} ignored: {}", push.get().deliveryId(), outcome.ignoredBecause());
          telemetry.pushIgnored(outcome.ignored() == null ? "UNKNOWN" : outcome.ignored().name());
        }
      }
      return Json.write(result).getBytes(StandardCharsets.UTF_8);
    }));
  }
}

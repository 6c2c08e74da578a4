package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.push.EventBridgeEvent;
import dev.gantry.push.PushEventDelivery;
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

/**
 * The target of the EventBridge rule for repository pushes: Gantry's own {@code RepositoryPush}
 * events and CodeCommit {@code referenceUpdated} events go through the same rule matching as {@code
 * gantry serve}'s in-process delivery. A failure is thrown, so EventBridge retries and finally sends
 * the event to the rule's dead-letter queue; the delivery id keeps retries to one session.
 */
public final class PushEventHandler extends PrimedHandler {
  private final PushEventDelivery delivery;

  /** Wires everything from the Lambda environment. */
  public PushEventHandler() {
    this(AwsGantry.pushes(System.getenv()), AwsGantry.telemetry());
    primeAtInit();
  }

  private PushEventHandler(AwsGantry.Wired<PushSessionStarter> wired, Telemetry telemetry) {
    super("push", wired.primeClients());
    this.delivery = new PushEventDelivery(wired.service(), telemetry);
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
    this(new AwsGantry.Wired<>(starter, () -> { }), telemetry);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    EventBridgeEvent event = Json.MAPPER.readValue(input, EventBridgeEvent.class);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("deliveryId", PushEventDelivery.push(event).map(RepositoryPush::deliveryId).orElse(null));
    output.write(TaskLog.run(context, keys, () -> Json.write(delivery.deliver(event)).getBytes(StandardCharsets.UTF_8)));
  }

  /** The event's mapping to a push, not its delivery: that starts a session or counts an ignored push. */
  @Override
  void primeRequest() {
    PushEventDelivery.push(primingEvent(EventBridgeEvent.class));
  }


}

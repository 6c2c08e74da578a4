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
import java.io.UncheckedIOException;
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
  /** A Gantry push event as the bus delivers it (EventBridge User Guide, "Amazon EventBridge events"). */
  private static final byte[] PRIMING_EVENT = ("{\"version\":\"0\",\"id\":\"" + AwsGantry.ABSENT_SESSION_ID + "\","
      + "\"detail-type\":\"" + RepositoryPush.DETAIL_TYPE + "\",\"source\":\"" + RepositoryPush.SOURCE + "\","
      + "\"account\":\"000000000000\",\"time\":\"2026-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],"
      + "\"detail\":{\"provider\":\"github\",\"deliveryId\":\"priming\",\"repository\":\"example/priming\","
      + "\"cloneUrl\":\"https://example.com/priming.git\",\"ref\":\"refs/heads/main\","
      + "\"before\":\"0000000000000000000000000000000000000000\",\"after\":\"1111111111111111111111111111111111111111\","
      + "\"pusher\":\"priming\",\"defaultBranch\":\"main\",\"headCommitMessage\":\"priming\",\"commitCount\":1}}")
      .getBytes(StandardCharsets.UTF_8);

  private final PushEventDelivery delivery;
  private final Runnable primeClients;

  /** Wires everything from the Lambda environment. */
  public PushEventHandler() {
    this(AwsGantry.pushes(System.getenv()), AwsGantry.telemetry());
    primeAtInit();
  }

  private PushEventHandler(AwsGantry.Wired<PushSessionStarter> wired, Telemetry telemetry) {
    super("push");
    this.delivery = new PushEventDelivery(wired.service(), telemetry);
    this.primeClients = wired.primeClients();
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

  /**
   * The event's mapping to a push (not its delivery: that starts a session or counts an ignored
   * push), then the clients.
   */
  void prime() {
    try {
      PushEventDelivery.push(Json.MAPPER.readValue(PRIMING_EVENT, EventBridgeEvent.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    primeClients.run();
  }


}

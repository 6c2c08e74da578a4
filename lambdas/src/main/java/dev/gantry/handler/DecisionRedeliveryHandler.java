package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.pipeline.DecisionRedelivery;
import dev.gantry.telemetry.TaskLog;
import dev.gantry.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The scheduled sweep (an EventBridge rule, every few minutes) that delivers approval decisions
 * recorded while Step Functions was unreachable ({@link DecisionRedelivery}). Ignores its input (the
 * scheduled event); answers the sweep's counts as JSON.
 */
public final class DecisionRedeliveryHandler extends PrimedHandler {
  private final DecisionRedelivery redelivery;
  private final Telemetry telemetry;

  /** Wires the session store and Step Functions from the Lambda environment. */
  public DecisionRedeliveryHandler() {
    this(AwsGantry.decisionRedelivery(System.getenv()), AwsGantry.telemetry());
    primeAtInit();
  }

  private DecisionRedeliveryHandler(AwsGantry.Wired<DecisionRedelivery> wired, Telemetry telemetry) {
    super("redelivery", wired.primeClients());
    this.redelivery = wired.service();
    this.telemetry = telemetry;
  }

  /** @param redelivery the sweep (tests pass one on local stores) */
  public DecisionRedeliveryHandler(DecisionRedelivery redelivery) {
    this(redelivery, Telemetry.NONE);
  }

  /**
   * @param redelivery the sweep
   * @param telemetry told, every sweep, how many sessions of each declared pipeline await approval (0 included)
   */
  public DecisionRedeliveryHandler(DecisionRedelivery redelivery, Telemetry telemetry) {
    this(new AwsGantry.Wired<>(redelivery, () -> { }), telemetry);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.transferTo(OutputStream.nullOutputStream());
    output.write(TaskLog.run(context, Map.of(), () -> Json.write(redelivery.run(telemetry)).getBytes(StandardCharsets.UTF_8)));
  }

  /** The sweep's count of waiting sessions: a read (the sweep itself may deliver decisions). */
  @Override
  void primeRequest() {
    redelivery.awaitingApproval();
  }


}

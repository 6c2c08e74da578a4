package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.pipeline.DecisionRedelivery;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The scheduled sweep (an EventBridge rule, every few minutes) that delivers approval decisions
 * recorded while Step Functions was unreachable ({@link DecisionRedelivery}). Ignores its input (the
 * scheduled event); answers the sweep's counts as JSON.
 */
public final class DecisionRedeliveryHandler implements RequestStreamHandler {
  private final DecisionRedelivery redelivery;

  /** Wires the session store and Step Functions from the Lambda environment. */
  public DecisionRedeliveryHandler() {
    this(AwsGantry.decisionRedelivery(System.getenv()));
  }

  /** @param redelivery the sweep (tests pass one on local stores) */
  public DecisionRedeliveryHandler(DecisionRedelivery redelivery) {
    this.redelivery = redelivery;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    input.transferTo(OutputStream.nullOutputStream());
    output.write(Json.write(redelivery.run()).getBytes(StandardCharsets.UTF_8));
  }
}

package dev.gantry.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.constructs.Construct;

/**
 * Every {@value #EVERY_MINUTES} minutes, an EventBridge schedule runs the sweep that delivers
 * approval decisions recorded while Step Functions did not take them ({@code
 * dev.gantry.pipeline.DecisionRedelivery}), so an approved session never waits for the approval's
 * timeout when nobody retries. The function reads and updates sessions and sends task results; it
 * has no model, documents or Git access. A missed run is not retried: the next one sweeps again.
 */
public final class DecisionRedeliverySchedule extends Construct {
  /** Minutes between sweeps. */
  public static final int EVERY_MINUTES = 5;

  private final GantryFunction function;
  private final Rule rule;

  /**
   * @param packages the deployment package of each function role
   * @param storage the sessions and audit tables
   * @param pipelines the state machines whose approval tasks it answers
   * @param common environment every session function gets
   */
  public DecisionRedeliverySchedule(Construct scope, String id, LambdaPackages packages, SessionStorage storage, PipelineStateMachine pipelines,
      Map<String, String> common) {
    super(scope, id);
    Map<String, String> environment = new LinkedHashMap<>(common);
    environment.putAll(storage.environment());
    environment.putAll(pipelines.environment());
    this.function = new GantryFunction(this, "Handler", new GantryFunction.Props(LambdaRole.REDELIVERY,
        "Delivers approval decisions Step Functions did not take", 512, Duration.seconds(60), packages, environment));
    storage.grantSessions(function);
    pipelines.grantTaskResponses(function.grantee());
    this.rule = Rule.Builder.create(this, "Schedule")
        .description("Delivers recorded approval decisions that did not reach Step Functions")
        .schedule(Schedule.rate(Duration.minutes(EVERY_MINUTES)))
        .targets(List.of(new LambdaFunction(function.live(), LambdaFunctionProps.builder().retryAttempts(0).build())))
        .build();
  }

  /** The sweep's function. */
  public GantryFunction function() {
    return function;
  }

  /** The schedule. */
  public Rule rule() {
    return rule;
  }
}

package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.config.AwsGantry;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.StageFailedException;
import dev.gantry.pipeline.StageTaskRunner;
import dev.gantry.pipeline.StateMachineTasks.StageTask;
import dev.gantry.telemetry.TaskLog;
import dev.gantry.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running stage's task: reads {@link StageTask}, runs it with {@link StageTaskRunner}, answers
 * its {@code TaskResult}. Errors are thrown on purpose: the Java
 * runtime reports the exception's class name as the error, which the state machine's retrier
 * (retryable classes) or catcher (everything else) matches. One function per stage is deployed from
 * this class, each with the stage's timeout.
 *
 * <p>Every line the task logs carries {@code sessionId}, {@code stage}, {@code attempt}, {@code
 * pipeline}, {@code executionArn} and the Lambda request id ({@link TaskLog}); the stage's start
 * and end lines and metrics come from the executor's listener ({@link
 * dev.gantry.telemetry.StageTelemetry}).
 */
public final class StageHandler extends PrimedHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StageHandler.class);

  private final StageTaskRunner runner;
  private final PipelineExecutor executor;
  /** The stage this function runs ({@code GANTRY_STAGE}), or null when one function runs every stage. */
  private final String stage;

  /**
   * Wires everything from the Lambda environment, once per execution environment, and primes
   * ({@link Priming}): the task's mapping and the executor on a session that does not exist, the
   * clients' harmless requests, and for the validate stage's function ({@code GANTRY_STAGE=validate})
   * the template rules and the resource specification, so its first validation starts warm; the
   * other stage functions do not pay for them.
   */
  public StageHandler() {
    this(AwsGantry.stages(System.getenv()), AwsGantry.telemetry(), System.getenv(EnvironmentVariables.STAGE));
    primeAtInit();
  }

  private StageHandler(AwsGantry.Wired<PipelineExecutor> wired, Telemetry telemetry, String stage) {
    super("stage", wired.primeClients());
    this.runner = new StageTaskRunner(wired.service(), telemetry);
    this.executor = wired.service();
    this.stage = stage;
  }

  /** @param executor the executor (tests pass one on local stores) */
  public StageHandler(PipelineExecutor executor) {
    this(executor, Telemetry.NONE);
  }

  /**
   * @param executor the executor
   * @param telemetry told of attempts the state machine retries
   */
  public StageHandler(PipelineExecutor executor, Telemetry telemetry) {
    this(new AwsGantry.Wired<>(executor, () -> { }), telemetry, null);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    StageTask task = Json.MAPPER.readValue(input, StageTask.class);
    output.write(TaskLog.run(context, StageTaskRunner.logKeys(task),
        () -> Json.write(runner.run(task)).getBytes(StandardCharsets.UTF_8)));
  }

  /** The priming described on the constructor, the rules first (they need no request). */
  @Override
  void primeRequest() {
    if (PipelineDefinition.VALIDATE.equals(stage)) {
      try {
        TemplateValidator.warmUp();
      } catch (RuntimeException e) {
        // the validate stage reports the problem itself when it runs
        LOG.warn("template rules not warmed up: {}", e.toString());
      }
    }
    StageTask task = new StageTask(AwsGantry.ABSENT_SESSION_ID, stage == null ? PipelineDefinition.VALIDATE : stage, 1,
        Pipelines.standard().defaultPipeline().name(), null);
    // the executor, not the runner: a failed read here must not count as a stage attempt retried
    refusedForTheAbsentSession(() -> executor.runAttempt(task.sessionId(), task.stage(), task.attempt()),
        StageFailedException.class);
  }


}

package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.gantry.config.AwsGantry;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StageFailedException;
import dev.gantry.pipeline.StateMachineTasks.StageTask;
import dev.gantry.pipeline.StateMachineTasks.TaskResult;
import dev.gantry.session.Session;
import dev.gantry.telemetry.TaskLog;
import dev.gantry.telemetry.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running stage's task: reads {@link StageTask}, runs that attempt with {@link
 * PipelineExecutor#runAttempt}, answers {@link TaskResult}. Errors are thrown on purpose: the Java
 * runtime reports the exception's class name as the error, which the state machine's retrier
 * (retryable classes) or catcher (everything else) matches. One function per stage is deployed from
 * this class, each with the stage's timeout.
 *
 * <p>Every line the task logs carries {@code sessionId}, {@code stage}, {@code attempt}, {@code
 * pipeline}, {@code executionArn} and the Lambda request id ({@link TaskLog}); the stage's start
 * and end lines and metrics come from the executor's listener ({@link
 * dev.gantry.telemetry.StageTelemetry}); a failed attempt the state machine retries is a warning.
 */
public final class StageHandler implements RequestStreamHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StageHandler.class);

  private final PipelineExecutor executor;
  private final Telemetry telemetry;

  /**
   * Wires everything from the Lambda environment, once per execution environment. The validate
   * stage's function ({@code GANTRY_STAGE=validate}) also loads the template rules and the resource
   * specification here, before the SnapStart snapshot, so its first validation starts warm; the
   * other stage functions do not pay for them.
   */
  public StageHandler() {
    this(AwsGantry.stages(System.getenv()), AwsGantry.telemetry());
    if (PipelineDefinition.VALIDATE.equals(System.getenv(EnvironmentVariables.STAGE))) {
      try {
        TemplateValidator.warmUp();
      } catch (RuntimeException e) {
        // the validate stage reports the problem itself when it runs
        LOG.warn("template rules not warmed up: {}", e.toString());
      }
    }
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
    this.executor = executor;
    this.telemetry = telemetry;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    StageTask task = Json.MAPPER.readValue(input, StageTask.class);
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put(TaskLog.SESSION_ID, task.sessionId());
    keys.put(TaskLog.STAGE, task.stage());
    keys.put(TaskLog.ATTEMPT, task.attempt());
    keys.put(TaskLog.PIPELINE, task.pipeline());
    keys.put(TaskLog.EXECUTION_ARN, task.executionArn());
    byte[] result = TaskLog.run(context, keys, () -> {
      Session session;
      try {
        session = executor.runAttempt(task.sessionId(), task.stage(), task.attempt());
      } catch (StageFailedException | IllegalArgumentException ended) {
        throw ended; // the stage's end line is written; the state machine's catcher records the session's end
      } catch (RuntimeException failed) {
        // the class name only: a message may quote what a model answered
        LOG.warn("stage {} attempt {} failed with {}: the state machine retries it while its retry policy allows",
            task.stage(), task.attempt(), failed.getClass().getName());
        telemetry.stageRetried(task.pipeline(), task.stage(), task.attempt(), failed.getClass().getName());
        throw failed;
      }
      return Json.write(new TaskResult(session.sessionId(), session.status().name(),
          PipelineExecutor.waiting(session, task.stage()))).getBytes(StandardCharsets.UTF_8);
    });
    output.write(result);
  }
}

package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.gantry.config.AwsGantry;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.deploy.TemplateValidator;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StateMachineTasks.StageTask;
import dev.gantry.pipeline.StateMachineTasks.TaskResult;
import dev.gantry.session.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A running stage's task: reads {@link StageTask}, runs that attempt with {@link
 * PipelineExecutor#runAttempt}, answers {@link TaskResult}. Errors are thrown on purpose: the Java
 * runtime reports the exception's class name as the error, which the state machine's retrier
 * (retryable classes) or catcher (everything else) matches. One function per stage is deployed from
 * this class, each with the stage's timeout.
 */
public final class StageHandler implements RequestStreamHandler {
  private final PipelineExecutor executor;

  /**
   * Wires everything from the Lambda environment, once per execution environment. The validate
   * stage's function ({@code GANTRY_STAGE=validate}) also loads the template rules and the resource
   * specification here, before the SnapStart snapshot, so its first validation starts warm; the
   * other stage functions do not pay for them.
   */
  public StageHandler() {
    this(AwsGantry.stages(System.getenv()));
    if (PipelineDefinition.VALIDATE.equals(System.getenv(EnvironmentVariables.STAGE))) {
      try {
        TemplateValidator.warmUp();
      } catch (RuntimeException e) {
        // the validate stage reports the problem itself when it runs
        org.slf4j.LoggerFactory.getLogger(StageHandler.class).warn("template rules not warmed up: {}", e.toString());
      }
    }
  }

  /** @param executor the executor (tests pass one on local stores) */
  public StageHandler(PipelineExecutor executor) {
    this.executor = executor;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    StageTask task = Json.MAPPER.readValue(input, StageTask.class);
    Session session = executor.runAttempt(task.sessionId(), task.stage(), task.attempt());
    output.write(Json.write(new TaskResult(session.sessionId(), session.status().name(),
        PipelineExecutor.waiting(session, task.stage()))).getBytes(StandardCharsets.UTF_8));
  }
}

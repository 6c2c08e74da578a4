package dev.gantry.pipeline;

import dev.gantry.pipeline.StateMachineTasks.StageTask;
import dev.gantry.pipeline.StateMachineTasks.TaskResult;
import dev.gantry.session.Session;
import dev.gantry.telemetry.TaskLog;
import dev.gantry.telemetry.Telemetry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one state machine stage task ({@link StageTask}) with {@link PipelineExecutor#runAttempt}
 * and answers its {@link TaskResult}. Failures are rethrown unchanged: the state machine's retrier
 * and catcher match the exception's class name. An attempt the state machine will retry (anything
 * but {@link StageFailedException} or a bad task) is logged as a warning naming the error class only
 * (a message may quote what a model answered) and counted as a retry.
 */
public final class StageTaskRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StageTaskRunner.class);

  private final PipelineExecutor executor;
  private final Telemetry telemetry;

  /**
   * @param executor the stage executor
   * @param telemetry told of attempts the state machine retries
   */
  public StageTaskRunner(PipelineExecutor executor, Telemetry telemetry) {
    this.executor = executor;
    this.telemetry = telemetry;
  }

  /** The log keys of a task's lines: session, stage, attempt, pipeline and execution ({@link TaskLog}). */
  public static Map<String, Object> logKeys(StageTask task) {
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put(TaskLog.SESSION_ID, task.sessionId());
    keys.put(TaskLog.STAGE, task.stage());
    keys.put(TaskLog.ATTEMPT, task.attempt());
    keys.put(TaskLog.PIPELINE, task.pipeline());
    keys.put(TaskLog.EXECUTION_ARN, task.executionArn());
    return keys;
  }

  /**
   * Runs the task's attempt.
   *
   * @throws StageFailedException when the stage failed for good (the catcher records the session's end)
   * @throws IllegalArgumentException for a task naming no such session or stage
   * @throws RuntimeException anything else, which the state machine retries while its policy allows
   */
  public TaskResult run(StageTask task) {
    Session session;
    try {
      session = executor.runAttempt(task.sessionId(), task.stage(), task.attempt());
    } catch (StageFailedException | IllegalArgumentException ended) {
      throw ended;
    } catch (RuntimeException failed) {
      LOG.warn("stage {} attempt {} failed with {}: the state machine retries it while its retry policy allows",
          task.stage(), task.attempt(), failed.getClass().getName());
      telemetry.stageRetried(task.pipeline(), task.stage(), task.attempt(), failed.getClass().getName());
      throw failed;
    }
    return new TaskResult(session.sessionId(), session.status().name(), PipelineExecutor.waiting(session, task.stage()));
  }
}

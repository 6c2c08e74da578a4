package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.pipeline.ExecutionRecorder;
import dev.gantry.pipeline.StateMachineTasks.CaughtError;
import dev.gantry.pipeline.StateMachineTasks.ExecutionEnd;
import dev.gantry.pipeline.StateMachineTasks.ExecutionEndResult;
import dev.gantry.session.SessionStatus;
import dev.gantry.telemetry.TaskLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine's failure-recording step, reached from every task's {@code Catch}: records the
 * session FAILED (or TIMED_OUT after the approval's heartbeat or overall timeout) with its audit
 * entry, unless the session has already ended, so that no execution ends with its session still
 * RUNNING or waiting. The execution then goes to a {@code Fail} state.
 *
 * <p>Primed ({@link Priming}) by recording the end of a session that does not exist, which reads
 * and writes nothing else, and by the clients' harmless requests.
 */
public final class FailureRecorderHandler extends PrimedHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FailureRecorderHandler.class);
  private final ExecutionRecorder recorder;

  /** Wires the session store from the Lambda environment; no model, no agents. */
  public FailureRecorderHandler() {
    this(AwsGantry.recorder(System.getenv()));
    primeAtInit();
  }

  private FailureRecorderHandler(AwsGantry.Wired<ExecutionRecorder> wired) {
    super("recorder", wired.primeClients());
    this.recorder = wired.service();
  }

  /** @param recorder the recorder (tests pass one on local stores) */
  public FailureRecorderHandler(ExecutionRecorder recorder) {
    this(new AwsGantry.Wired<>(recorder, () -> { }));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ExecutionEnd end = Json.MAPPER.readValue(input, ExecutionEnd.class);
    output.write(TaskLog.run(context, Map.of(TaskLog.SESSION_ID, end.sessionId()), () -> respond(end)));
  }

  private byte[] respond(ExecutionEnd end) {
    CaughtError error = end.error() == null ? new CaughtError("Gantry.Unknown", null) : end.error();
    boolean recorded = recorder.recordExecutionEnd(end.sessionId(), SessionStatus.valueOf(end.outcome()), error.error(),
        error.message());
    if (recorded) {
      // the error name only: a cause may quote what a stage read
      LOG.warn("execution ended the session {} ({})", end.outcome(), error.error());
    }
    return Json.write(new ExecutionEndResult(end.sessionId(), end.outcome(), recorded)).getBytes(StandardCharsets.UTF_8);
  }

  /** The whole path on a session that does not exist: nothing is recorded. */
  @Override
  void primeRequest() {
    respond(primingEvent(ExecutionEnd.class));
  }


}

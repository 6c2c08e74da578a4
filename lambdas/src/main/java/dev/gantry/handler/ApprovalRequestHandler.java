package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.pipeline.ApprovalNotifier;
import dev.gantry.pipeline.ExecutionRecorder;
import dev.gantry.pipeline.StageFailedException;
import dev.gantry.pipeline.StateMachineTasks.ApprovalTask;
import dev.gantry.pipeline.StateMachineTasks.TaskResult;
import dev.gantry.session.Session;
import dev.gantry.telemetry.TaskLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The approval state's task ({@code lambda:invoke.waitForTaskToken}): stores the task token on the
 * session, which then waits in AWAITING_APPROVAL, and sends the approval notice. The execution
 * stays in the state until the API's decision calls SendTaskSuccess or SendTaskFailure, a heartbeat
 * is missed, or the overall timeout passes (Step Functions Developer Guide, "Wait for a Callback
 * with Task Token").
 */
public final class ApprovalRequestHandler extends PrimedHandler {
  private final ExecutionRecorder recorder;
  private final ApprovalNotifier notifier;

  /** Wires the session store and the bus from the Lambda environment; no model, no agents. */
  public ApprovalRequestHandler() {
    this(AwsGantry.approvals(System.getenv()));
    primeAtInit();
  }

  private ApprovalRequestHandler(AwsGantry.Wired<AwsGantry.Approvals> wired) {
    super("approval", wired.primeClients());
    this.recorder = wired.service().recorder();
    this.notifier = wired.service().notifier();
  }

  /**
   * @param recorder the recorder (tests pass one on local stores)
   * @param notifier where approval notices go
   */
  public ApprovalRequestHandler(ExecutionRecorder recorder, ApprovalNotifier notifier) {
    this(new AwsGantry.Wired<>(new AwsGantry.Approvals(recorder, notifier), () -> { }));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ApprovalTask task = Json.MAPPER.readValue(input, ApprovalTask.class);
    // the task token is a credential for the execution: never logged
    output.write(TaskLog.run(context, Map.of(TaskLog.SESSION_ID, task.sessionId()), () -> respond(task)));
  }

  private byte[] respond(ApprovalTask task) {
    Session waiting = recorder.requestApproval(task.sessionId(), task.taskToken());
    notifier.approvalRequested(waiting);
    return Json.write(new TaskResult(waiting.sessionId(), waiting.status().name(), false)).getBytes(StandardCharsets.UTF_8);
  }

  /** The task's mapping and the recorder on a session that does not exist: refused before any write or notice. */
  @Override
  void primeRequest() {
    refusedForTheAbsentSession(() -> respond(primingEvent(ApprovalTask.class)), StageFailedException.class);
  }


}

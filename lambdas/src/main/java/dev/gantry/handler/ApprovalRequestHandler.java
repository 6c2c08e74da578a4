package dev.gantry.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.gantry.config.AwsGantry;
import dev.gantry.json.Json;
import dev.gantry.pipeline.ApprovalNotifier;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StateMachineTasks.ApprovalTask;
import dev.gantry.pipeline.StateMachineTasks.TaskResult;
import dev.gantry.session.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The approval state's task ({@code lambda:invoke.waitForTaskToken}): stores the task token on the
 * session, which then waits in AWAITING_APPROVAL, and sends the approval notice. The execution
 * stays in the state until the API's decision calls SendTaskSuccess or SendTaskFailure, a heartbeat
 * is missed, or the overall timeout passes (Step Functions Developer Guide, "Wait for a Callback
 * with Task Token").
 */
public final class ApprovalRequestHandler implements RequestStreamHandler {
  private final PipelineExecutor executor;
  private final ApprovalNotifier notifier;

  /** Wires everything from the Lambda environment. */
  public ApprovalRequestHandler() {
    this(AwsGantry.pipeline(System.getenv()));
  }

  private ApprovalRequestHandler(AwsGantry.Pipeline pipeline) {
    this(pipeline.executor(), pipeline.notifier());
  }

  /**
   * @param executor the executor (tests pass one on local stores)
   * @param notifier where approval notices go
   */
  public ApprovalRequestHandler(PipelineExecutor executor, ApprovalNotifier notifier) {
    this.executor = executor;
    this.notifier = notifier;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    ApprovalTask task = Json.MAPPER.readValue(input, ApprovalTask.class);
    Session waiting = executor.requestApproval(task.sessionId(), task.taskToken());
    notifier.approvalRequested(waiting);
    output.write(Json.write(new TaskResult(waiting.sessionId(), waiting.status().name())).getBytes(StandardCharsets.UTF_8));
  }
}

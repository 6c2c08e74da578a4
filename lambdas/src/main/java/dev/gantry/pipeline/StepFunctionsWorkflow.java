package dev.gantry.pipeline;

import dev.gantry.json.Json;
import dev.gantry.session.Session;
import dev.gantry.session.SessionStatus;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import dev.gantry.session.DecisionRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * Sessions run by Step Functions: one execution per session, named by the session id, of the state
 * machine of the session's pipeline. An approval decision completes the approval state's task token (SendTaskSuccess to
 * approve, SendTaskFailure with error {@value #REJECTED_ERROR} to reject); a cancel stops the
 * execution; reading a waiting session sends a heartbeat. Source: AWS Step Functions API reference
 * (StartExecution, SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat, StopExecution).
 */
public final class StepFunctionsWorkflow implements SessionWorkflow {
  /** The error name a rejected approval fails the approval task with. */
  public static final String REJECTED_ERROR = "Gantry.ApprovalRejected";
  private static final Logger LOG = LoggerFactory.getLogger(StepFunctionsWorkflow.class);

  /** At most one heartbeat per session per this interval from one process: polling must not cost a call per read. */
  public static final java.time.Duration HEARTBEAT_INTERVAL = java.time.Duration.ofMinutes(10);

  private final java.util.function.Supplier<SfnClient> sfn;
  private final Map<String, String> stateMachineArns;
  private final java.util.Map<String, Long> lastHeartbeat = new java.util.concurrent.ConcurrentHashMap<>();

  /** With a client already built (tests, the gantry command). */
  public StepFunctionsWorkflow(SfnClient sfn, Map<String, String> stateMachineArns) {
    this(() -> sfn, stateMachineArns);
  }

  /**
   * @param sfn the client, built on first use (a role builds at init only the clients its first request needs)
   * @param stateMachineArns each pipeline's {@code arn:aws:states:REGION:ACCOUNT:stateMachine:NAME},
   *     by pipeline name
   */
  public StepFunctionsWorkflow(java.util.function.Supplier<SfnClient> sfn, Map<String, String> stateMachineArns) {
    this.sfn = sfn;
    this.stateMachineArns = Map.copyOf(stateMachineArns);
  }

  /**
   * The state machine that runs {@code session}'s pipeline.
   *
   * @throws IllegalStateException when no state machine is configured for it
   */
  public String stateMachineArn(Session session) {
    String pipeline = Pipelines.standard().pipeline(session.pipeline()).name();
    String arn = stateMachineArns.get(pipeline);
    if (arn == null) {
      throw new IllegalStateException("no state machine for the " + pipeline + " pipeline");
    }
    return arn;
  }

  /** The Step Functions console page of {@code session}'s execution. */
  public String consoleUrl(Session session) {
    return consoleUrl(stateMachineArn(session), session.sessionId());
  }

  /** The execution ARN of a session: the state machine ARN with {@code execution} and the session id. */
  public static String executionArn(String stateMachineArn, String sessionId) {
    return stateMachineArn.replace(":stateMachine:", ":execution:") + ":" + sessionId;
  }

  /** The Step Functions console page of a session's execution. */
  public static String consoleUrl(String stateMachineArn, String sessionId) {
    String region = stateMachineArn.split(":")[3];
    return "https://" + region + ".console.aws.amazon.com/states/home?region=" + region
        + "#/v2/executions/details/" + executionArn(stateMachineArn, sessionId);
  }

  @Override
  public void start(Session session) {
    if (session.status() != SessionStatus.RUNNING || session.currentStage() != null) {
      return;
    }
    try {
      sfn.get().startExecution(b -> b.stateMachineArn(stateMachineArn(session)).name(session.sessionId())
          .input(Json.write(Map.of("sessionId", session.sessionId()))));
    } catch (ExecutionAlreadyExistsException started) {
      // a retry of the same start: the execution runs already
    }
  }

  @Override
  public void decided(Session session) {
    String token = session.approvalTaskToken();
    if (token == null) {
      throw new IllegalStateException("session " + session.sessionId() + " has no approval task token");
    }
    try {
      if (session.status() == SessionStatus.RUNNING) {
        sfn.get().sendTaskSuccess(b -> b.taskToken(token).output(Json.write(Map.of("sessionId", session.sessionId(), "decision", "approve"))));
      } else {
        sfn.get().sendTaskFailure(b -> b.taskToken(token).error(REJECTED_ERROR).cause("rejected: see the session's audit log"));
      }
    } catch (TaskTimedOutException | TaskDoesNotExistException | InvalidTokenException closed) {
      throw new DecisionRefusedException("the approval of session " + session.sessionId()
          + " closed before the decision reached Step Functions (timed out or stopped); the session ends TIMED_OUT");
    } catch (SdkException e) {
      throw new WorkflowUnavailableException("Step Functions did not take the decision (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /**
   * Sends SendTaskHeartbeat with the stored token, at most once per {@link #HEARTBEAT_INTERVAL} per
   * session from this process (the approval's heartbeat timeout is hours); a closed or unknown token
   * is logged and ignored.
   */
  @Override
  public void heartbeat(Session session) {
    String token = session.approvalTaskToken();
    if (token == null) {
      return;
    }
    long now = System.nanoTime();
    Long last = lastHeartbeat.get(token);
    if (last != null && now - last < HEARTBEAT_INTERVAL.toNanos()) {
      return;
    }
    if (lastHeartbeat.size() > 10_000) {
      lastHeartbeat.clear(); // bounded memory in a long-lived container; at worst one extra heartbeat each
    }
    lastHeartbeat.put(token, now);
    try {
      sfn.get().sendTaskHeartbeat(b -> b.taskToken(token));
    } catch (SdkException e) {
      LOG.info("approval heartbeat for session {} not delivered: {}", session.sessionId(), e.getMessage());
    }
  }

  @Override
  public void cancelled(Session session) {
    sfn.get().stopExecution(b -> b.executionArn(executionArn(stateMachineArn(session), session.sessionId()))
        .error("Gantry.Cancelled").cause("cancelled: see the session's audit log"));
  }
}

package dev.gantry.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.AwsClients;
import dev.gantry.json.Json;
import dev.gantry.session.Session;
import dev.gantry.session.SessionStatus;
import dev.gantry.testing.AwsWireStub;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;

/** The real SfnClient against a loopback stub speaking Step Functions' wire format (AWS JSON 1.0). */
class StepFunctionsWorkflowTest {
  static final String DESIGN_STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-design";
  static final String STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-pipeline";

  record Call(String target, JsonNode body) {}

  final AtomicReference<String> error = new AtomicReference<>();
  AwsWireStub stub;
  SfnClient sfn;
  StepFunctionsWorkflow workflow;

  @BeforeEach
  void start() {
    stub = AwsWireStub.start(request -> {
      String failure = error.get();
      if (failure == null) {
        return AwsWireStub.Reply.json(200, "application/x-amz-json-1.0", "{\"executionArn\":\"x\",\"startDate\":1.7637e9}");
      }
      return new AwsWireStub.Reply(400, Map.of("Content-Type", "application/x-amz-json-1.0", "x-amzn-ErrorType", failure),
          "{\"__type\":\"" + failure + "\",\"message\":\"exists\"}");
    });
    sfn = AwsClients.client(SfnClient.builder(), "eu-west-1", AwsWireStub.CREDENTIALS, Optional.of(stub.endpoint()));
    workflow = new StepFunctionsWorkflow(sfn, Map.of("deliver", STATE_MACHINE, "design", DESIGN_STATE_MACHINE,
        "review", "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-review"));
  }

  @AfterEach
  void stop() {
    sfn.close();
    stub.close();
  }

  /** The calls so far: their X-Amz-Target and JSON body. */
  List<Call> calls() {
    return stub.received().stream().map(r -> new Call(r.header("X-Amz-Target"), Json.tree(new String(r.body(), StandardCharsets.UTF_8))))
        .toList();
  }

  static Session session() {
    return Session.start("3f0c1a52-9d7e-4f7e-8a47-2f7d1b9c6e10", "goal", "https://github.com/o/r.git", "stack", Instant.now());
  }

  @Test
  void a_new_session_starts_one_execution_named_by_its_id_and_a_repeated_start_is_harmless() {
    workflow.start(session());
    error.set("ExecutionAlreadyExists");
    workflow.start(session());

    assertThat(calls()).extracting(Call::target).containsExactly("AWSStepFunctions.StartExecution", "AWSStepFunctions.StartExecution");
    JsonNode request = calls().get(0).body();
    assertThat(request.path("stateMachineArn").asText()).isEqualTo(STATE_MACHINE);
    assertThat(request.path("name").asText()).isEqualTo(session().sessionId());
    assertThat(Json.tree(request.path("input").asText()).path("sessionId").asText()).isEqualTo(session().sessionId());
  }

  @Test
  void a_session_that_already_ran_a_stage_is_not_started_again() {
    Session running = session().withStage(new dev.gantry.session.StageRecord("architect", dev.gantry.session.StageStatus.RUNNING,
        Instant.now(), null, 1, dev.gantry.model.TokenUsage.ZERO, null, List.of()));

    workflow.start(running);

    assertThat(calls()).isEmpty();
  }

  @Test
  void a_decision_completes_the_stored_task_token_and_a_cancel_stops_the_execution() {
    Session approved = session().withApprovalTaskToken("token-1");
    Session rejected = session().withApprovalTaskToken("token-2").withStatus(SessionStatus.REJECTED);

    workflow.decided(approved);
    workflow.decided(rejected);
    workflow.cancelled(session().withStatus(SessionStatus.CANCELLED));

    assertThat(calls()).extracting(Call::target).containsExactly(
        "AWSStepFunctions.SendTaskSuccess", "AWSStepFunctions.SendTaskFailure", "AWSStepFunctions.StopExecution");
    assertThat(calls().get(0).body().path("taskToken").asText()).isEqualTo("token-1");
    assertThat(calls().get(1).body().path("taskToken").asText()).isEqualTo("token-2");
    assertThat(calls().get(1).body().path("error").asText()).isEqualTo(StepFunctionsWorkflow.REJECTED_ERROR);
    assertThat(calls().get(2).body().path("executionArn").asText())
        .isEqualTo("arn:aws:states:eu-west-1:123456789012:execution:gantry-pipeline:" + session().sessionId());
  }

  @Test
  void a_heartbeat_sends_the_stored_token_and_a_closed_token_is_only_logged() {
    Session waiting = session().withApprovalTaskToken("token-3").withStatus(SessionStatus.AWAITING_APPROVAL);

    Session other = session().withApprovalTaskToken("token-5").withStatus(SessionStatus.AWAITING_APPROVAL);

    workflow.heartbeat(waiting);
    workflow.heartbeat(waiting); // a reviewer polling: within the interval, no second call
    error.set("TaskTimedOut");
    workflow.heartbeat(other);
    workflow.heartbeat(session());

    assertThat(calls()).extracting(Call::target)
        .containsExactly("AWSStepFunctions.SendTaskHeartbeat", "AWSStepFunctions.SendTaskHeartbeat");
    assertThat(calls()).extracting(c -> c.body().path("taskToken").asText()).containsExactly("token-3", "token-5");
  }

  @Test
  void a_decision_that_reaches_a_timed_out_approval_is_refused_with_the_reason() {
    error.set("TaskTimedOut");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.decided(session().withApprovalTaskToken("token-4")))
        .isInstanceOf(dev.gantry.session.DecisionRefusedException.class)
        .hasMessageContaining("closed before the decision reached Step Functions");
  }

  @Test
  void a_session_runs_on_the_state_machine_of_its_pipeline_and_is_stopped_there() {
    Session design = Session.start("5a0c1a52-9d7e-4f7e-8a47-2f7d1b9c6e10", "goal", "https://github.com/o/r.git", "stack",
        "design", Map.of(), null, Instant.now());
    workflow.start(design);
    workflow.cancelled(design.withStage(new dev.gantry.session.StageRecord("checkout", dev.gantry.session.StageStatus.RUNNING,
        Instant.now(), null, 1, dev.gantry.model.TokenUsage.ZERO, null, List.of())));

    assertThat(calls().get(0).body().path("stateMachineArn").asText()).isEqualTo(DESIGN_STATE_MACHINE);
    assertThat(calls().get(1).body().path("executionArn").asText())
        .isEqualTo("arn:aws:states:eu-west-1:123456789012:execution:gantry-design:" + design.sessionId());
    assertThat(workflow.consoleUrl(design)).contains(":execution:gantry-design:" + design.sessionId());
  }

  @Test
  void a_decision_step_functions_cannot_take_for_now_is_a_transport_neutral_workflow_unavailable() {
    error.set("ThrottlingException");

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> workflow.decided(session().withApprovalTaskToken("token-9")))
        .isInstanceOf(WorkflowUnavailableException.class)
        .hasMessageContaining("Step Functions did not take the decision");
  }

  @Test
  void the_console_url_opens_the_sessions_execution() {
    assertThat(StepFunctionsWorkflow.consoleUrl(STATE_MACHINE, "abc"))
        .isEqualTo("https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/"
            + "arn:aws:states:eu-west-1:123456789012:execution:gantry-pipeline:abc");
  }
}

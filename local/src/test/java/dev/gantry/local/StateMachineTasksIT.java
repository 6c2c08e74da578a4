package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.Settings;
import dev.gantry.handler.ApprovalRequestHandler;
import dev.gantry.handler.FailureRecorderHandler;
import dev.gantry.handler.StageHandler;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageFailedException;
import dev.gantry.pipeline.TransientStageException;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionTables;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.testing.CloudFormationStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The Lambda handlers behind the state machine's tasks, fed the payloads the synthesized state
 * machine sends, on DynamoDB Local and s3proxy: what Step Functions would do, task by task.
 */
class StateMachineTasksIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());

  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;

  @BeforeAll
  static void startEngines() {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, SETTINGS, Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
  }

  @AfterAll
  static void stopEngines() {
    stores.close();
    engines.close();
  }

  static PipelineExecutor executor(Map<String, Stage> overrides) {
    return TestPipelines.executor(stores, SETTINGS, PipelineDefinition.standard(), overrides, delay -> {});
  }

  static Session start(String stack) {
    return sessions.start("Serve Gantry's session API on AWS", REPOSITORY, stack, "tester");
  }

  static JsonNode invoke(RequestStreamHandler handler, Map<String, Object> payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(payload).getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }

  static Map<String, Object> stageTask(Session session, String stage, int attempt) {
    return Map.of("sessionId", session.sessionId(), "stage", stage, "attempt", attempt);
  }

  static List<String> actions(Session session) {
    return sessions.audit(session.sessionId()).entries().stream().map(AuditEntry::action).toList();
  }

  @Test
  void with_cloudformation_the_polling_tasks_answer_waiting_until_the_change_set_and_the_stack_are_done() throws IOException {
    try (CloudFormationStub cloudFormation = CloudFormationStub.start()) {
      // GIVEN the stage functions configured for CloudFormation (the stub) and a CloudFormation that takes two looks
      cloudFormation.changeSetPolls(1);
      cloudFormation.stackPolls(2);
      Settings settings = Settings.fromEnvironment(Map.of(
          EnvironmentVariables.DEPLOY_MODE, "cloudformation",
          EnvironmentVariables.CLOUDFORMATION_ENDPOINT, cloudFormation.endpoint().toString(),
          EnvironmentVariables.DEPLOY_ROLE_ARN, "arn:aws:iam::123456789012:role/gantry-deploy"));
      try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(),
          delay -> { throw new AssertionError("a task never sleeps"); })) {
        StageHandler stages = new StageHandler(executor);
        Session session = start("gantry-tasks-cfn");
        for (String stage : List.of("checkout", "architect", "plan", "validate")) {
          invoke(stages, stageTask(session, stage, 1));
        }

        // WHEN the changeset task runs as the state machine's loop would: task, Check, Wait, task
        List<Boolean> changeSetLooks = new ArrayList<>();
        JsonNode look;
        do {
          look = invoke(stages, stageTask(session, "changeset", 1));
          changeSetLooks.add(look.get("waiting").asBoolean());
        } while (look.get("waiting").asBoolean() && changeSetLooks.size() < 10);
        List<Session> notices = new ArrayList<>();
        invoke(new ApprovalRequestHandler(executor.recorder(), notices::add),
            Map.of("sessionId", session.sessionId(), "taskToken", "token-cfn"));
        Session waiting = sessions.get(session.sessionId());

        // THEN the first look created the change set, the second found it in progress, the third recorded it
        assertThat(changeSetLooks).containsExactly(true, true, false);
        assertThat(look.get("status").asText()).isEqualTo("RUNNING");
        assertThat(waiting.pendingChangeSet().changeSetId()).startsWith("arn:aws:cloudformation:us-east-1:123456789012:changeSet/");
        assertThat(notices).singleElement().satisfies(n -> assertThat(n.pendingChangeSet()).isEqualTo(waiting.pendingChangeSet()));
        assertThat(cloudFormation.calls("CreateChangeSet")).singleElement()
            .satisfies(call -> assertThat(call.param("RoleARN")).isEqualTo("arn:aws:iam::123456789012:role/gantry-deploy"));

        // WHEN it is approved and the deploy and verify tasks run
        sessions.decide(session.sessionId(), true, waiting.pendingDigest(), waiting.pendingChangeSet().sha256(), "alice", null);
        invoke(stages, stageTask(session, "deploy", 1));
        invoke(stages, stageTask(session, "deploy", 1)); // a redelivered task
        List<Boolean> verifyLooks = new ArrayList<>();
        do {
          look = invoke(stages, stageTask(session, "verify", 1));
          verifyLooks.add(look.get("waiting").asBoolean());
        } while (look.get("waiting").asBoolean() && verifyLooks.size() < 10);
        JsonNode done = invoke(stages, stageTask(session, "report", 1));

        // THEN the approved change set was executed once and the session ends SUCCEEDED with the stack recorded
        assertThat(cloudFormation.calls("ExecuteChangeSet")).singleElement()
            .satisfies(call -> assertThat(call.param("ChangeSetName")).isEqualTo(waiting.pendingChangeSet().changeSetId()));
        assertThat(verifyLooks).containsExactly(true, true, false);
        assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
        Session finished = sessions.get(session.sessionId());
        assertThat(finished.documents()).containsKeys("changeset.json", "rollout.md", "stack.json", "deployment.md");
        assertThat(actions(finished)).containsSubsequence("StageStarted", "StageProgress", "StageSucceeded",
            "ApprovalGranted", "StageStarted", "StageProgress", "StageSucceeded", "SessionSucceeded");
      }
    }
  }

  @Test
  void the_tasks_carry_a_session_from_checkout_through_approval_to_report() throws IOException {
    List<Session> notices = new ArrayList<>();
    try (PipelineExecutor executor = executor(Map.of())) {
      StageHandler stages = new StageHandler(executor);
      ApprovalRequestHandler approval = new ApprovalRequestHandler(executor.recorder(), notices::add);
      Session session = start("tasks-stack");

      for (String stage : List.of("checkout", "architect", "plan", "validate", "changeset")) {
        JsonNode result = invoke(stages, stageTask(session, stage, 1));
        assertThat(result.get("status").asText()).as(stage).isEqualTo("RUNNING");
        assertThat(result.get("waiting").asBoolean()).as(stage).isFalse();
      }
      JsonNode waiting = invoke(approval, Map.of("sessionId", session.sessionId(), "taskToken", "token-1"));
      Session stored = sessions.get(session.sessionId());

      assertThat(waiting.get("status").asText()).isEqualTo("AWAITING_APPROVAL");
      assertThat(stored.approvalTaskToken()).isEqualTo("token-1");
      assertThat(stored.stage("approval").status()).isEqualTo(StageStatus.WAITING);
      assertThat(notices).singleElement().satisfies(n -> assertThat(n.pendingDigest()).isEqualTo(stored.pendingDigest()));

      invoke(approval, Map.of("sessionId", session.sessionId(), "taskToken", "token-1")); // redelivered task
      assertThat(sessions.get(session.sessionId()).version()).isEqualTo(stored.version());

      sessions.decide(session.sessionId(), true, stored.pendingDigest(), stored.pendingChangeSet() == null ? null : stored.pendingChangeSet().sha256(), "alice", null);
      invoke(stages, stageTask(session, "deploy", 1));
      invoke(stages, stageTask(session, "verify", 1));
      JsonNode done = invoke(stages, stageTask(session, "report", 1));

      assertThat(done.get("status").asText()).isEqualTo("SUCCEEDED");
      Session finished = sessions.get(session.sessionId());
      assertThat(finished.stages()).extracting(StageRecord::name, StageRecord::status).containsExactly(
          org.assertj.core.groups.Tuple.tuple("checkout", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("architect", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("plan", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("validate", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("changeset", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("approval", StageStatus.APPROVED),
          org.assertj.core.groups.Tuple.tuple("deploy", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("verify", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("report", StageStatus.SUCCEEDED));
      assertThat(actions(finished)).containsSubsequence("SessionCreated", "StageStarted", "StageSucceeded",
          "ApprovalRequested", "ApprovalGranted", "StageStarted", "StageSucceeded", "SessionSucceeded");
      assertThat(sessions.audit(session.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void a_redelivered_task_for_a_stage_that_already_succeeded_changes_nothing() throws IOException {
    try (PipelineExecutor executor = executor(Map.of())) {
      StageHandler stages = new StageHandler(executor);
      Session session = start("redelivery-stack");
      invoke(stages, stageTask(session, "checkout", 1));
      invoke(stages, stageTask(session, "architect", 1));
      Session after = sessions.get(session.sessionId());

      invoke(stages, stageTask(session, "architect", 2));

      assertThat(sessions.get(session.sessionId()).version()).isEqualTo(after.version());
    }
  }

  @Test
  void a_retryable_error_is_thrown_under_its_class_name_for_the_retrier_and_the_next_attempt_finishes_the_stage()
      throws IOException {
    AtomicInteger calls = new AtomicInteger();
    Stage flaky = context -> {
      if (calls.incrementAndGet() == 1) {
        throw new TransientStageException("throttled", null);
      }
      context.documents().write("architecture.md", "# architecture");
      return dev.gantry.pipeline.StageOutcome.success("done on attempt " + context.attempt());
    };
    try (PipelineExecutor executor = executor(Map.of("architect", flaky))) {
      StageHandler stages = new StageHandler(executor);
      Session session = start("retry-stack");

      assertThatThrownBy(() -> invoke(stages, stageTask(session, "architect", 1)))
          .isExactlyInstanceOf(TransientStageException.class);
      Session retrying = sessions.get(session.sessionId());
      assertThat(retrying.status()).isEqualTo(SessionStatus.RUNNING);
      assertThat(retrying.stage("architect").attempts()).isEqualTo(2);
      assertThat(sessions.audit(session.sessionId()).entries()).last().satisfies(e -> {
        assertThat(e.action()).isEqualTo("StageRetried");
        assertThat(e.details()).containsEntry("error", TransientStageException.class.getName()).containsEntry("attempt", "1");
      });

      invoke(stages, stageTask(session, "architect", 2));

      StageRecord architect = sessions.get(session.sessionId()).stage("architect");
      assertThat(architect.status()).isEqualTo(StageStatus.SUCCEEDED);
      assertThat(architect.attempts()).isEqualTo(2);
      assertThat(architect.summary()).isEqualTo("done on attempt 2");
    }
  }

  @Test
  void a_failing_stage_is_recorded_failed_by_its_task_and_the_failure_recorder_then_changes_nothing() throws IOException {
    Stage broken = context -> {
      throw new IllegalStateException("the agent file is unreadable");
    };
    try (PipelineExecutor executor = executor(Map.of("architect", broken))) {
      StageHandler stages = new StageHandler(executor);
      Session session = start("failing-stack");

      assertThatThrownBy(() -> invoke(stages, stageTask(session, "architect", 1)))
          .isExactlyInstanceOf(StageFailedException.class)
          .hasMessageContaining("the agent file is unreadable");
      Session failed = sessions.get(session.sessionId());
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.stage("architect").status()).isEqualTo(StageStatus.FAILED);

      JsonNode recorded = invoke(new FailureRecorderHandler(executor.recorder()), Map.of("sessionId", session.sessionId(),
          "outcome", "FAILED", "error", Map.of("Error", StageFailedException.class.getName(),
              "Cause", "{\"errorMessage\":\"architect: IllegalStateException\",\"errorType\":\"x\",\"stackTrace\":[]}")));

      assertThat(recorded.get("sessionId").asText()).isEqualTo(session.sessionId());
      assertThat(recorded.get("recorded").asBoolean()).as("the stage had recorded the failure already").isFalse();
      assertThat(sessions.get(session.sessionId()).version()).isEqualTo(failed.version());
    }
  }

  @Test
  void a_function_that_died_mid_stage_leaves_the_failure_recorder_to_end_the_session_failed() throws IOException {
    try (PipelineExecutor executor = executor(Map.of())) {
      Session session = start("crashed-stack");

      JsonNode recorded = invoke(new FailureRecorderHandler(executor.recorder()), Map.of("sessionId", session.sessionId(),
          "outcome", "FAILED", "error", Map.of("Error", "Sandbox.Timedout",
              "Cause", "{\"errorMessage\":\"Task timed out after 660.00 seconds\",\"errorType\":\"Sandbox.Timedout\"}")));

      Session failed = sessions.get(session.sessionId());
      assertThat(recorded.get("recorded").asBoolean()).isTrue();
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("pipeline: Sandbox.Timedout: Task timed out after 660.00 seconds");
      assertThat(sessions.audit(session.sessionId()).entries()).last().satisfies(e -> {
        assertThat(e.action()).isEqualTo("SessionFailed");
        assertThat(e.details()).containsEntry("error", "Sandbox.Timedout");
      });
    }
  }

  @Test
  void an_approval_nobody_decides_in_time_ends_timed_out_and_takes_no_decision_after() throws IOException {
    try (PipelineExecutor executor = executor(Map.of())) {
      StageHandler stages = new StageHandler(executor);
      Session session = start("timeout-stack");
      for (String stage : List.of("checkout", "architect", "plan", "validate")) {
        invoke(stages, stageTask(session, stage, 1));
      }
      invoke(new ApprovalRequestHandler(executor.recorder(), s -> {}), Map.of("sessionId", session.sessionId(), "taskToken", "token-2"));

      invoke(new FailureRecorderHandler(executor.recorder()), Map.of("sessionId", session.sessionId(), "outcome", "TIMED_OUT",
          "error", Map.of("Error", "States.HeartbeatTimeout", "Cause", "")));

      Session timedOut = sessions.get(session.sessionId());
      assertThat(timedOut.status()).isEqualTo(SessionStatus.TIMED_OUT);
      assertThat(timedOut.stage("approval").status()).isEqualTo(StageStatus.TIMED_OUT);
      assertThat(actions(timedOut)).last().isEqualTo("SessionTimedOut");
      assertThatThrownBy(() -> sessions.decide(session.sessionId(), true, timedOut.pendingDigest(), timedOut.pendingChangeSet() == null ? null : timedOut.pendingChangeSet().sha256(), "alice", null))
          .isInstanceOf(DecisionRefusedException.class);
    }
  }

  @Test
  void a_stage_task_for_a_cancelled_session_runs_nothing() {
    try (PipelineExecutor executor = executor(Map.of())) {
      Session session = start("cancelled-stack");
      sessions.cancel(session.sessionId(), "tester", "changed my mind");

      assertThatThrownBy(() -> invoke(new StageHandler(executor), stageTask(session, "architect", 1)))
          .isExactlyInstanceOf(StageFailedException.class).hasMessageContaining("CANCELLED");
      assertThat(sessions.get(session.sessionId()).stages()).isEmpty();
    }
  }

  @Test
  void with_a_retention_a_finished_session_gets_its_ttl_attribute_and_a_running_one_does_not() {
    DynamoDbSessionStore store = new DynamoDbSessionStore(stores.dynamoDb(), SETTINGS.sessionsTable(), SETTINGS.auditTable(),
        Clock.systemUTC(), stores.auditMac(), stores.auditAnchors(), Optional.of(Duration.ofDays(30)));
    SessionService service = new SessionService(store, Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
    Session running = service.start("Serve Gantry's session API on AWS", REPOSITORY, "ttl-stack", "tester");
    Map<String, AttributeValue> before = item(running.sessionId());

    Session cancelled = service.cancel(running.sessionId(), "tester", null);
    Map<String, AttributeValue> after = item(running.sessionId());

    assertThat(before).doesNotContainKey(SessionTables.EXPIRES_AT);
    assertThat(Long.parseLong(after.get(SessionTables.EXPIRES_AT).n()))
        .isEqualTo(cancelled.updatedAt().plus(Duration.ofDays(30)).getEpochSecond());
    assertThat(store.find(running.sessionId())).contains(cancelled);
  }

  static Map<String, AttributeValue> item(String sessionId) {
    return stores.dynamoDb().getItem(b -> b.tableName(SETTINGS.sessionsTable())
        .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(sessionId)))).item();
  }
}

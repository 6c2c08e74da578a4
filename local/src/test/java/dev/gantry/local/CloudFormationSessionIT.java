package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.config.Settings;
import dev.gantry.deploy.TemplateParser;
import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import dev.gantry.testing.CloudFormationStub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole sessions with {@code GANTRY_DEPLOY_MODE=cloudformation} against {@link CloudFormationStub},
 * on DynamoDB Local and s3proxy with the offline model: what a reviewer is asked to approve, what is
 * executed, what the session and its documents say afterwards, and the waits in between.
 */
class CloudFormationSessionIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final String ROLE = "arn:aws:iam::123456789012:role/gantry-deploy";
  static final String GOAL = "Serve Gantry's session API on AWS";
  static final Duration CHANGESET_POLL = Duration.ofSeconds(5);
  static final Duration VERIFY_POLL = Duration.ofSeconds(15);
  static final String TABLE_FAILURE = "Resource handler returned message: \"Table gantry-data already exists\"";

  /** What an existing stack holds before a session updates it: a provisioned table and a queue the new template drops. */
  static final String EXISTING = """
      Resources:
        DataTable:
          Type: AWS::DynamoDB::Table
          Properties:
            BillingMode: PROVISIONED
        OldQueue:
          Type: AWS::SQS::Queue
      Outputs:
        TableName:
          Value: old-table
      """;

  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;

  CloudFormationStub stub;
  Settings settings;
  final List<Duration> sleeps = new ArrayList<>();

  @BeforeAll
  static void startEngines() {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, Settings.fromEnvironment(Map.of()), Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), true, "gantry-");
  }

  @AfterAll
  static void stopEngines() {
    stores.close();
    engines.close();
  }

  @BeforeEach
  void startStub() {
    stub = CloudFormationStub.start();
    settings = Settings.fromEnvironment(Map.of(
        EnvironmentVariables.DEPLOY_MODE, Settings.DEPLOY_CLOUDFORMATION,
        EnvironmentVariables.CLOUDFORMATION_ENDPOINT, stub.endpoint().toString(),
        EnvironmentVariables.DEPLOY_ROLE_ARN, ROLE));
  }

  @AfterEach
  void stopStub() {
    stub.close();
  }

  PipelineExecutor executor() {
    return TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(), sleeps::add);
  }

  static Session start(String stack) {
    return sessions.start(GOAL, REPOSITORY, stack, "tester");
  }

  /** Runs a new session to the approval gate, failing with the session's recorded reason otherwise. */
  static Session awaitingApproval(PipelineExecutor executor, String stack) {
    Session session = executor.advance(start(stack));
    assertThat(session.status()).as("failure: %s", session.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
    return session;
  }

  /** Alice approves exactly the template and change set the session waits on. */
  static Session approve(Session waiting) {
    return sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), waiting.pendingChangeSet().sha256(), "alice", null);
  }

  static String document(Session session, String name) {
    DocumentRef ref = session.documents().get(name);
    assertThat(ref).as("document %s of session %s", name, session.sessionId()).isNotNull();
    return new String(stores.documents().get(ref.key()).orElseThrow(), StandardCharsets.UTF_8);
  }

  static List<String> actions(Session session) {
    return sessions.audit(session.sessionId()).entries().stream().map(AuditEntry::action).toList();
  }

  /** The StageProgress summaries of {@code stage}, in order. */
  static List<String> progress(Session session, String stage) {
    return sessions.audit(session.sessionId()).entries().stream()
        .filter(e -> e.action().equals("StageProgress") && stage.equals(e.details().get("stage")))
        .map(e -> e.details().get("summary")).toList();
  }

  static List<Duration> times(int n, Duration duration) {
    return java.util.Collections.nCopies(n, duration);
  }

  static List<Duration> concat(List<Duration> first, List<Duration> second) {
    List<Duration> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  @Test
  void a_new_stack_waits_for_approval_of_the_stubs_change_set_then_executes_exactly_it_and_succeeds_with_outputs() {
    try (PipelineExecutor executor = executor()) {
      // GIVEN no stack yet
      // WHEN a session runs to the approval gate
      Session waiting = awaitingApproval(executor, "gantry-orders-api");
      String id = waiting.sessionId();

      // THEN it waits on the change set CloudFormation made, created once as a CREATE through the role
      String arn = stub.client().describeChangeSet(r -> r.stackName("gantry-orders-api").changeSetName("gantry-" + id)).changeSetId();
      assertThat(waiting.pendingChangeSet().changeSetId()).isEqualTo(arn)
          .startsWith("arn:aws:cloudformation:us-east-1:123456789012:changeSet/gantry-" + id + "/");
      assertThat(waiting.pendingChangeSet().mode()).isEqualTo("cloudformation");
      assertThat(waiting.pendingChangeSet().sha256()).isEqualTo(waiting.documents().get("changeset.json").sha256());
      assertThat(stub.calls("CreateChangeSet")).singleElement().satisfies(create -> {
        assertThat(create.param("StackName")).isEqualTo("gantry-orders-api");
        assertThat(create.param("ChangeSetName")).isEqualTo("gantry-" + id);
        assertThat(create.param("ChangeSetType")).isEqualTo("CREATE");
        assertThat(create.param("ClientToken")).isEqualTo("gantry-create-" + id);
        assertThat(create.param("RoleARN")).isEqualTo(ROLE);
        assertThat(create.members("Capabilities")).containsExactly("CAPABILITY_IAM");
        assertThat(create.param("TemplateBody")).isEqualTo(document(waiting, "template.yaml"));
      });
      assertThat(stub.calls("ExecuteChangeSet")).isEmpty();
      assertThat(stub.stackStatus("gantry-orders-api")).contains("REVIEW_IN_PROGRESS");

      // AND changeset.json lists every change and the risk flags a reviewer must see
      JsonNode changeSet = Json.tree(document(waiting, "changeset.json"));
      assertThat(changeSet.path("mode").asText()).isEqualTo("cloudformation");
      assertThat(changeSet.path("changeSetId").asText()).isEqualTo(arn);
      assertThat(changeSet.path("changeSetType").asText()).isEqualTo("CREATE");
      assertThat(changeSet.path("stackId").asText()).startsWith("arn:aws:cloudformation:us-east-1:123456789012:stack/gantry-orders-api/");
      JsonNode template = new TemplateParser().parse(document(waiting, "template.yaml")).root();
      List<String> logicalIds = new ArrayList<>();
      template.path("Resources").fieldNames().forEachRemaining(logicalIds::add);
      assertThat(StreamSupport.stream(changeSet.path("changes").spliterator(), false)
          .map(c -> c.path("action").asText() + " " + c.path("logicalResourceId").asText()).toList())
          .containsExactlyInAnyOrderElementsOf(logicalIds.stream().map(l -> "Add " + l).toList());
      assertThat(changeSet.path("summary").path("adds").asInt()).isEqualTo(logicalIds.size());
      assertThat(StreamSupport.stream(changeSet.path("risks").spliterator(), false)
          .map(r -> r.path("kind").asText() + " " + r.path("logicalResourceId").asText(null)).toList())
          .containsExactly("IAM_CHANGE ApiInvokePermission", "IAM_CHANGE FunctionRole", "CAPABILITIES null");
      assertThat(waiting.pendingChangeSet().risks()).hasSize(3);
      assertThat(document(waiting, "rollout.md")).contains("Approving executes exactly this change set");

      // AND the change set stage waited twice, 5 s each, recording each new status once
      assertThat(sleeps).containsExactlyElementsOf(times(2, CHANGESET_POLL));
      assertThat(progress(waiting, "changeset"))
          .containsExactly("change set gantry-" + id + " CREATE_PENDING", "change set gantry-" + id + " CREATE_IN_PROGRESS");
      assertThat(sessions.audit(id).entries()).filteredOn(e -> e.action().equals("ApprovalRequested")).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("changeSetId", arn));

      // WHEN alice approves it and the session goes on
      Session done = executor.advance(approve(waiting));

      // THEN exactly the approved change set was executed, once, with the session's token
      assertThat(done.status()).as("failure: %s", done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
      assertThat(done.decision().changeSetId()).isEqualTo(arn);
      assertThat(stub.calls("ExecuteChangeSet")).singleElement().satisfies(execute -> {
        assertThat(execute.param("ChangeSetName")).isEqualTo(arn);
        assertThat(execute.param("ClientRequestToken")).isEqualTo("gantry-execute-" + id);
      });
      assertThat(stub.executions(arn)).isEqualTo(1);
      assertThat(stub.stackStatus("gantry-orders-api")).contains("CREATE_COMPLETE");
      assertThat(done.stages()).extracting(StageRecord::name, StageRecord::status).containsExactly(
          tuple("checkout", StageStatus.SUCCEEDED), tuple("architect", StageStatus.SUCCEEDED), tuple("plan", StageStatus.SUCCEEDED),
          tuple("validate", StageStatus.SUCCEEDED), tuple("changeset", StageStatus.SUCCEEDED), tuple("approval", StageStatus.APPROVED),
          tuple("deploy", StageStatus.SUCCEEDED), tuple("verify", StageStatus.SUCCEEDED), tuple("report", StageStatus.SUCCEEDED));
      assertThat(done.stage("verify").summary())
          .isEqualTo("stack gantry-orders-api CREATE_COMPLETE: 3 outputs, " + logicalIds.size() + " resources");

      // AND stack.json has the stack's outputs, resources and the execution's events
      JsonNode stack = Json.tree(document(done, "stack.json"));
      assertThat(stack.path("status").asText()).isEqualTo("CREATE_COMPLETE");
      assertThat(stack.path("changeSetId").asText()).isEqualTo(arn);
      assertThat(Json.MAPPER.convertValue(stack.path("outputs"), Map.class)).isEqualTo(Map.of(
          "ApiUrl", "stub-ApiUrl", "TableName", "stub-TableName", "BucketName", "stub-BucketName"));
      assertThat(stack.path("resources")).hasSize(logicalIds.size());
      assertThat(stack.path("events").get(0).path("status").asText()).isEqualTo("CREATE_IN_PROGRESS");
      assertThat(stack.path("events").get(stack.path("events").size() - 1).path("status").asText()).isEqualTo("CREATE_COMPLETE");

      // AND deployment.md tells it in order
      assertThat(document(done, "deployment.md")).containsSubsequence(
          "# Deployment of stack `gantry-orders-api`: CREATE_COMPLETE", "- Change set: `" + arn + "` (CREATE)",
          "- Approved by alice", "## What happened", "| gantry-orders-api | AWS::CloudFormation::Stack | CREATE_IN_PROGRESS | User Initiated |",
          "| DataTable | AWS::DynamoDB::Table | CREATE_COMPLETE |", "| gantry-orders-api | AWS::CloudFormation::Stack | CREATE_COMPLETE |",
          "## Outcome", "The stack is CREATE_COMPLETE.", "## Outputs", "| ApiUrl | stub-ApiUrl |", "## Resources");

      // AND the waits were 5 s for the change set, then 15 s for the stack
      assertThat(sleeps).containsExactlyElementsOf(concat(times(2, CHANGESET_POLL), times(1, VERIFY_POLL)));
      assertThat(progress(done, "verify")).containsExactly("stack gantry-orders-api CREATE_IN_PROGRESS");

      // AND the audit log verifies, with every wait between its stage's start and end
      SessionService.AuditLog audit = sessions.audit(id);
      assertThat(audit.verification().valid()).isTrue();
      assertThat(actions(done)).containsSubsequence("StageStarted", "StageProgress", "StageProgress", "StageSucceeded",
          "ApprovalRequested", "ApprovalGranted", "StageSucceeded", "StageStarted", "StageProgress", "StageSucceeded",
          "SessionSucceeded");
      assertThat(audit.entries()).filteredOn(e -> e.action().equals("StageProgress")).extracting(e -> e.details().get("stage"))
          .containsExactly("changeset", "changeset", "verify");
      assertThat(document(done, "report.md")).contains("| verify |", "approve by alice");
    }
  }

  @Test
  void a_change_set_cloudformation_fails_ends_the_session_failed_at_changeset_with_its_reason_and_asks_no_one() {
    // GIVEN CloudFormation will fail the next change set
    String reason = "Template format error: Unrecognized resource types: [AWS::ApiGatewayV2::Nope]";
    stub.failNextChangeSet(reason);

    try (PipelineExecutor executor = executor()) {
      // WHEN a session runs
      Session failed = executor.advance(start("gantry-refused"));

      // THEN it ends FAILED at changeset with CloudFormation's reason, without asking for approval
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("changeset");
      assertThat(failed.failure()).isEqualTo("changeset: CloudFormation refused the change set: " + reason);
      assertThat(failed.pendingChangeSet()).isNull();
      assertThat(failed.stage("approval")).isNull();
      assertThat(actions(failed)).doesNotContain("ApprovalRequested").endsWith("StageFailed");
      assertThat(stub.calls("ExecuteChangeSet")).isEmpty();
      assertThat(sleeps).containsExactlyElementsOf(times(2, CHANGESET_POLL));
      assertThat(sessions.audit(failed.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void an_unchanged_second_session_on_the_same_stack_ends_succeeded_with_no_changes_at_changeset() {
    try (PipelineExecutor executor = executor()) {
      // GIVEN a stack deployed by a first session
      Session first = executor.advance(approve(awaitingApproval(executor, "gantry-steady")));
      assertThat(first.status()).as("failure: %s", first.failure()).isEqualTo(SessionStatus.SUCCEEDED);

      // WHEN a second session with the same goal runs on it
      Session second = executor.advance(start("gantry-steady"));

      // THEN CloudFormation's change set, an UPDATE, has nothing to change: the session ends there without asking anyone
      assertThat(second.status()).as("failure: %s", second.failure()).isEqualTo(SessionStatus.SUCCEEDED);
      assertThat(second.currentStage()).isEqualTo("changeset");
      assertThat(second.stage("changeset").summary()).isEqualTo("no changes: " + CloudFormationStub.NO_CHANGES);
      assertThat(second.stage("approval")).isNull();
      assertThat(stub.calls("CreateChangeSet")).extracting(c -> c.param("ChangeSetType")).containsExactly("CREATE", "UPDATE");
      assertThat(stub.calls("ExecuteChangeSet")).hasSize(1);
      assertThat(Json.tree(document(second, "changeset.json")).path("changes")).isEmpty();
      assertThat(actions(second)).doesNotContain("ApprovalRequested").endsWith("StageSucceeded", "SessionSucceeded");
    }
  }

  @Test
  void a_resource_failing_on_a_first_create_fails_the_session_at_verify_and_the_stack_is_deleted_for_the_next_session() {
    try (PipelineExecutor executor = executor()) {
      // GIVEN a new stack's session waiting for approval, and a table CloudFormation will fail to create
      Session waiting = awaitingApproval(executor, "gantry-doomed");
      String id = waiting.sessionId();
      stub.failResource("DataTable", TABLE_FAILURE);
      sleeps.clear();

      // WHEN it is approved
      Session failed = executor.advance(approve(waiting));

      // THEN the session FAILED at verify naming the table and CloudFormation's reason
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("verify");
      assertThat(failed.failure()).isEqualTo("verify: the first create failed at DataTable (AWS::DynamoDB::Table): "
          + TABLE_FAILURE + "; CloudFormation rolled it back and the stack was deleted");

      // AND the rolled-back stack was deleted through the role with the session's token
      assertThat(stub.stackStatus("gantry-doomed")).contains("DELETE_COMPLETE");
      String stackId = Json.tree(document(waiting, "changeset.json")).path("stackId").asText();
      assertThat(stub.calls("DeleteStack")).singleElement().satisfies(delete -> {
        assertThat(delete.param("StackName")).isEqualTo(stackId);
        assertThat(delete.param("RoleARN")).isEqualTo(ROLE);
        assertThat(delete.param("ClientRequestToken")).isEqualTo("gantry-delete-" + id);
      });

      // AND stack.json and deployment.md tell what happened, in order
      JsonNode stack = Json.tree(document(failed, "stack.json"));
      assertThat(stack.path("status").asText()).isEqualTo("DELETE_COMPLETE");
      assertThat(stack.path("deletedAfterFailedCreate").asBoolean()).isTrue();
      assertThat(stack.path("failure").path("logicalResourceId").asText()).isEqualTo("DataTable");
      assertThat(stack.path("failure").path("reason").asText()).isEqualTo(TABLE_FAILURE);
      assertThat(document(failed, "deployment.md")).containsSubsequence(
          "# Deployment of stack `gantry-doomed`: DELETE_COMPLETE",
          "| gantry-doomed | AWS::CloudFormation::Stack | CREATE_IN_PROGRESS |",
          "| DataTable | AWS::DynamoDB::Table | CREATE_FAILED | " + TABLE_FAILURE.replace("|", "\\|") + " |",
          "| gantry-doomed | AWS::CloudFormation::Stack | ROLLBACK_IN_PROGRESS |",
          "| gantry-doomed | AWS::CloudFormation::Stack | ROLLBACK_COMPLETE |",
          "| gantry-doomed | AWS::CloudFormation::Stack | DELETE_IN_PROGRESS | User Initiated |",
          "| gantry-doomed | AWS::CloudFormation::Stack | DELETE_COMPLETE |",
          "## Outcome", "The first resource to fail was `DataTable` (AWS::DynamoDB::Table): CREATE_FAILED, " + TABLE_FAILURE,
          "Gantry then deleted the empty stack so that the next session can create it.");

      // AND verify looked every 15 s through create, rollback and deletion, recording each step once
      assertThat(sleeps).containsExactlyElementsOf(times(4, VERIFY_POLL));
      assertThat(progress(failed, "verify")).containsExactly(
          "stack gantry-doomed CREATE_IN_PROGRESS", "stack gantry-doomed ROLLBACK_IN_PROGRESS",
          "stack gantry-doomed ROLLBACK_COMPLETE: the first create failed and was rolled back; deleting the stack so a new "
              + "session can create it",
          "stack gantry-doomed DELETE_IN_PROGRESS");
      assertThat(sessions.audit(id).verification().valid()).isTrue();

      // WHEN another session runs on the same stack name
      Session next = awaitingApproval(executor, "gantry-doomed");

      // THEN it creates the stack afresh
      assertThat(Json.tree(document(next, "changeset.json")).path("changeSetType").asText()).isEqualTo("CREATE");
      assertThat(Json.tree(document(next, "changeset.json")).path("stackId").asText()).isNotEqualTo(stackId);
    }
  }

  @Test
  void a_failed_update_is_rolled_back_and_the_session_fails_with_update_rollback_complete() {
    // GIVEN an existing stack whose table the session's template changes, and a table update that fails
    stub.putStack("gantry-live", "UPDATE_COMPLETE", EXISTING);
    try (PipelineExecutor executor = executor()) {
      Session waiting = awaitingApproval(executor, "gantry-live");
      JsonNode changeSet = Json.tree(document(waiting, "changeset.json"));
      assertThat(changeSet.path("changeSetType").asText()).isEqualTo("UPDATE");
      assertThat(stub.calls("CreateChangeSet")).singleElement()
          .satisfies(create -> assertThat(create.param("ChangeSetType")).isEqualTo("UPDATE"));
      assertThat(StreamSupport.stream(changeSet.path("risks").spliterator(), false).map(r -> r.path("kind").asText() + " "
          + r.path("logicalResourceId").asText(null))).contains("STATEFUL_DELETION OldQueue");
      stub.failResource("DataTable", TABLE_FAILURE);
      sleeps.clear();

      // WHEN it is approved
      Session failed = executor.advance(approve(waiting));

      // THEN CloudFormation rolled the update back and the session says where it failed
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("verify");
      assertThat(failed.failure()).isEqualTo("verify: the update failed at DataTable (AWS::DynamoDB::Table): " + TABLE_FAILURE
          + "; CloudFormation rolled the stack back to its previous template");
      assertThat(stub.stackStatus("gantry-live")).contains("UPDATE_ROLLBACK_COMPLETE");
      assertThat(Json.tree(document(failed, "stack.json")).path("status").asText()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
      assertThat(Json.tree(document(failed, "stack.json")).path("outputs").path("TableName").asText()).isEqualTo("old-table");
      assertThat(document(failed, "deployment.md")).containsSubsequence("# Deployment of stack `gantry-live`: UPDATE_ROLLBACK_COMPLETE",
          "| DataTable | AWS::DynamoDB::Table | UPDATE_FAILED | " + TABLE_FAILURE, "UPDATE_ROLLBACK_IN_PROGRESS",
          "UPDATE_ROLLBACK_COMPLETE |", "CloudFormation rolled the stack back to its previous template");
      assertThat(stub.calls("DeleteStack")).isEmpty();
      assertThat(sleeps).containsExactlyElementsOf(times(2, VERIFY_POLL));
    }
  }

  @Test
  void a_failed_rollback_of_an_update_is_reported_as_update_rollback_failed_and_nothing_is_deleted() {
    // GIVEN an existing stack, a table update that fails and a rollback that fails too
    stub.putStack("gantry-stuck", "UPDATE_COMPLETE", EXISTING);
    try (PipelineExecutor executor = executor()) {
      Session waiting = awaitingApproval(executor, "gantry-stuck");
      stub.failResource("DataTable", TABLE_FAILURE);
      stub.rollbackFails();

      // WHEN it is approved
      Session failed = executor.advance(approve(waiting));

      // THEN the session FAILED saying the stack needs a person, and Gantry deleted nothing
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("verify");
      assertThat(failed.failure()).startsWith("verify: stack gantry-stuck is UPDATE_ROLLBACK_FAILED at DataTable "
          + "(AWS::DynamoDB::Table): " + TABLE_FAILURE)
          .contains("The following resource(s) failed to update: [DataTable].")
          .endsWith("not retried: it needs a person (continue the rollback or delete the stack in the console)");
      assertThat(stub.stackStatus("gantry-stuck")).contains("UPDATE_ROLLBACK_FAILED");
      assertThat(stub.calls("DeleteStack")).isEmpty();
      assertThat(document(failed, "deployment.md")).containsSubsequence("UPDATE_ROLLBACK_FAILED",
          "Gantry does not retry this: a person must continue the rollback or delete the stack.");
      assertThat(failed.stage("verify").attempts()).isEqualTo(1);
    }
  }

  @Test
  void a_change_set_made_obsolete_after_approval_is_not_executed_and_the_session_fails_at_deploy() {
    try (PipelineExecutor executor = executor()) {
      // GIVEN an approved session whose change set the stack's changes then made obsolete
      Session waiting = awaitingApproval(executor, "gantry-moved");
      String arn = waiting.pendingChangeSet().changeSetId();
      Session approved = approve(waiting);
      stub.makeObsolete(arn);

      // WHEN the session goes on
      Session failed = executor.advance(approved);

      // THEN nothing was executed and the session says why
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("deploy");
      assertThat(failed.failure()).isEqualTo("deploy: nothing was executed: change set " + arn + " cannot be executed: its "
          + "execution status is OBSOLETE (the stack changed after it was made); start a new session to make a change set "
          + "against the stack as it is now");
      assertThat(stub.calls("ExecuteChangeSet")).isEmpty();
      assertThat(stub.executions(arn)).isZero();
      assertThat(failed.documents()).doesNotContainKeys("deployment.md", "stack.json");
      assertThat(sessions.audit(failed.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void a_deploy_role_denied_execution_fails_the_session_at_deploy_at_once_with_cloudformations_message() {
    try (PipelineExecutor executor = executor()) {
      // GIVEN an approved session, and a caller CloudFormation does not allow to execute change sets
      Session approved = approve(awaitingApproval(executor, "gantry-denied"));
      stub.deny("ExecuteChangeSet");
      sleeps.clear();

      // WHEN the session goes on
      Session failed = executor.advance(approved);

      // THEN it FAILED at deploy on the first attempt, saying which permission is missing, and nothing ran
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("deploy");
      assertThat(failed.failure()).startsWith("deploy: ExecuteChangeSet failed: AccessDenied: User: ")
          .contains("is not authorized to perform: cloudformation:ExecuteChangeSet");
      assertThat(failed.stage("deploy").attempts()).isEqualTo(1);
      assertThat(stub.calls("ExecuteChangeSet")).hasSize(1);
      assertThat(stub.executions(approved.decision().changeSetId())).isZero();
      assertThat(sleeps).isEmpty();
      assertThat(actions(failed)).doesNotContain("StageRetried");
    }
  }
}

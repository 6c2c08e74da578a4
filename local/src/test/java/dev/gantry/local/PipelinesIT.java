package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.config.Settings;
import dev.gantry.handler.StageHandler;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The design and review pipelines end to end on the offline model and the embedded stores: run by
 * the local executor, and task by task as their state machines would run them.
 */
class PipelinesIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());

  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static PipelineExecutor executor;

  @BeforeAll
  static void startEngines() {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, SETTINGS, Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
    executor = TestPipelines.executor(stores, SETTINGS, Pipelines.standard(), Map.of(), delay -> { });
  }

  @AfterAll
  static void stopEngines() {
    executor.close();
    stores.close();
    engines.close();
  }

  static Session start(String pipeline, String goal) {
    return sessions.start(SessionRequest.local(goal, REPOSITORY.toString(), null, pipeline), "tester").session();
  }

  static List<String> actions(Session session) {
    return sessions.audit(session.sessionId()).entries().stream().map(AuditEntry::action).toList();
  }

  static String document(Session session, String name) {
    return new String(stores.documents().get(session.documents().get(name).key()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void a_design_session_writes_the_architecture_and_never_validates_asks_or_deploys() {
    Session session = executor.advance(start(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS"));

    assertThat(session.status()).as(session.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(session.pipeline()).isEqualTo("design");
    assertThat(session.stages()).extracting(StageRecord::name).containsExactly("checkout", "architect", "report");
    assertThat(session.documents()).containsKey("architecture.md")
        .doesNotContainKeys("template.yaml", "validation.json", "changeset.json");
    assertThat(actions(session)).doesNotContain("ApprovalRequested").endsWith("SessionSucceeded");
    assertThat(sessions.audit(session.sessionId()).entries().get(0).details()).containsEntry("pipeline", "design");
  }

  @Test
  void a_review_of_this_repository_has_findings_at_real_files_and_lines_and_a_review_document_naming_them() throws IOException {
    Session session = executor.advance(start(PipelineDefinition.REVIEW, "Review Gantry before its first release"));

    assertThat(session.status()).as(session.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(session.stages()).extracting(StageRecord::name).containsExactly("checkout", "review", "report");
    JsonNode findings = Json.tree(document(session, "findings.json")).get("findings");
    assertThat(findings).isNotEmpty();
    String review = document(session, "review.md");
    for (JsonNode finding : findings) {
      String file = finding.at("/location/file").asText();
      int start = finding.at("/location/startLine").asInt();
      int end = finding.at("/location/endLine").asInt();
      List<String> lines = Files.readAllLines(REPOSITORY.resolve(file));
      assertThat(end).as(file).isBetween(start, lines.size());
      assertThat(lines.get(start - 1)).as(file + ":" + start).isNotBlank();
      assertThat(finding.get("priority").asText()).isIn("critical", "high", "medium", "low");
      assertThat(review).contains("`" + file + ":" + start + "`");
    }
    assertThat(actions(session)).doesNotContain("ApprovalRequested");
  }

  @Test
  void a_review_runs_task_by_task_as_its_state_machine_would_and_ends_succeeded_after_its_last_stage() throws IOException {
    StageHandler handler = new StageHandler(executor);
    Session session = start(PipelineDefinition.REVIEW, "Review Gantry's push handling");

    for (StageDefinition stage : Pipelines.standard().pipeline(PipelineDefinition.REVIEW).stages()) {
      JsonNode result = invoke(handler, Map.of("sessionId", session.sessionId(), "stage", stage.name(), "attempt", 1));
      assertThat(result.get("waiting").asBoolean()).isFalse();
    }

    Session done = sessions.get(session.sessionId());
    assertThat(done.status()).as(done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(done.documents()).containsKeys("review.md", "findings.json");
  }

  @Test
  void agents_for_a_role_the_chosen_pipeline_does_not_run_are_refused_naming_its_roles() {
    SessionRequest request = new SessionRequest("x", REPOSITORY.toString(), null, null, null, null, "design",
        Map.of("planner", "planner"), "cli", null, null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.start(request, "tester"))
        .hasMessageContaining("the design pipeline has no stage role 'planner': choose agents for architect");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.start(
        SessionRequest.local("x", REPOSITORY.toString(), null, "ship"), "tester"))
        .hasMessageContaining("no pipeline 'ship': choose one of deliver, design, review");
  }

  static JsonNode invoke(StageHandler handler, Map<String, Object> payload) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(payload).getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }
}

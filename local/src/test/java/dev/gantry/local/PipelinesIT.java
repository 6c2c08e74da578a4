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
  static OfflineStack stack;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static PipelineExecutor executor;

  @BeforeAll
  static void startEngines() {
    stack = new OfflineStack(data, SETTINGS);
    engines = stack.engines;
    stores = stack.stores;
    sessions = stack.sessions;
    executor = stack.executor;
  }

  @AfterAll
  static void stopEngines() {
    stack.close();
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
    assertThat(document(session, "report.md")).containsPattern("\\| architect \\| SUCCEEDED \\| 1 \\| [0-9.]+ s \\| offline \\(no LLM\\) \\|")
        .containsPattern("\\| checkout \\| SUCCEEDED \\| 1 \\| [0-9.]+ s \\| - \\|");
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

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"design", "review", "implement"})
  void each_pipeline_runs_task_by_task_as_its_state_machine_would_and_ends_succeeded_after_its_last_stage(String pipeline)
      throws IOException {
    StageHandler handler = new StageHandler(executor);
    dev.gantry.handler.ApprovalRequestHandler approval =
        new dev.gantry.handler.ApprovalRequestHandler(executor.recorder(), notice -> { });
    Session session = start(pipeline, "Serve Gantry's session API on AWS");

    for (StageDefinition stage : Pipelines.standard().pipeline(pipeline).stages()) {
      if (stage.approvalGate()) {
        invoke(approval, Map.of("sessionId", session.sessionId(), "taskToken", "token-" + pipeline));
        Session waiting = sessions.get(session.sessionId());
        assertThat(waiting.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
        sessions.decide(session.sessionId(), true, waiting.pendingDigest(), null, "alice", null);
        continue;
      }
      JsonNode result = invoke(handler, Map.of("sessionId", session.sessionId(), "stage", stage.name(), "attempt", 1));
      assertThat(result.get("waiting").asBoolean()).as(stage.name()).isFalse();
    }

    Session done = sessions.get(session.sessionId());
    assertThat(done.status()).as(done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(done.stages()).extracting(StageRecord::name)
        .containsExactlyElementsOf(Pipelines.standard().pipeline(pipeline).stages().stream().map(StageDefinition::name).toList());
    assertThat(done.documents()).containsKey("report.md");
  }

  @Test
  void agents_for_a_role_the_chosen_pipeline_does_not_run_are_refused_naming_its_roles() {
    SessionRequest request = new SessionRequest("x", REPOSITORY.toString(), null, null, null, null, "design",
        Map.of("planner", "planner"), "cli", null, null);

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.start(request, "tester"))
        .hasMessageContaining("the design pipeline has no stage role 'planner': choose agents for architect");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sessions.start(
        SessionRequest.local("x", REPOSITORY.toString(), null, "ship"), "tester"))
        .hasMessageContaining("no pipeline 'ship': choose one of deliver, design, review, implement");
  }

  /** A Git repository with a README and a source file, one commit on main; returns its file:// URL. */
  static String gitRepository(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("README.md"), "# Orders service\n\nServes orders.\n");
    Files.writeString(dir.resolve("src/app.py"), "def handler(event, context):\n    return {'statusCode': 200}\n");
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("first").setAuthor("t", "t@example.com").setCommitter("t", "t@example.com").setSign(false).call();
    }
    return dir.toUri().toString().replace("file:/", "file:///").replace("file:////", "file:///");
  }

  @Test
  void an_implement_session_asks_approval_of_a_patch_that_git_applies_to_its_commit_then_pushes_a_gantry_branch(
      @TempDir Path work) throws Exception {
    String url = gitRepository(work.resolve("origin"));
    Session started = sessions.start(new SessionRequest("Serve the orders API on AWS", null, url, "main", null, null,
        PipelineDefinition.IMPLEMENT, Map.of(), "api", null, null), "tester").session();

    Session waiting = executor.advance(started);

    assertThat(waiting.status()).as(waiting.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
    assertThat(waiting.stages()).extracting(StageRecord::name)
        .containsExactly("checkout", "architect", "plan", "implement", "validate", "approval");
    assertThat(waiting.pendingDocument()).isEqualTo("changes.patch");
    String patch = document(waiting, "changes.patch");
    assertThat(patch).contains("diff --git a/README.md b/README.md", "new file mode 100644\n--- /dev/null\n+++ b/docs/plans/");
    assertThat(waiting.pendingDigest()).isEqualTo(waiting.documents().get("changes.patch").sha256());
    assertThat(waiting.documents()).containsKeys("implementation.md", "validation.json");

    // git apply --check accepts the patch against a clone at the pinned commit
    Path clone = work.resolve("clone");
    org.eclipse.jgit.api.Git.cloneRepository().setURI(url).setDirectory(clone.toFile()).call().close();
    Path patchFile = Files.writeString(work.resolve("changes.patch"), patch);
    Process check = new ProcessBuilder("git", "apply", "--check", patchFile.toString()).directory(clone.toFile())
        .redirectErrorStream(true).start();
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(said).isZero();

    Session approved = sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), null, "reviewer", "ship it");
    Session done = executor.advance(approved);

    assertThat(done.status()).as(done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    String branch = "gantry/" + done.sessionId();
    assertThat(done.stage("publish").summary()).startsWith("pushed branch " + branch);
    try (org.eclipse.jgit.api.Git origin = org.eclipse.jgit.api.Git.open(work.resolve("origin").toFile())) {
      org.eclipse.jgit.lib.ObjectId pushed = origin.getRepository().resolve("refs/heads/" + branch);
      assertThat(pushed).as("the branch was pushed").isNotNull();
      assertThat(origin.getRepository().resolve("refs/heads/main").name()).isEqualTo(done.checkout().commit());
      try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(origin.getRepository())) {
        org.eclipse.jgit.revwalk.RevCommit commit = walk.parseCommit(pushed);
        assertThat(commit.getParent(0).name()).isEqualTo(done.checkout().commit());
        assertThat(commit.getFullMessage()).contains("changes.patch sha256 " + waiting.pendingDigest());
      }
    }
  }

  @Test
  void an_implement_session_on_a_local_folder_leaves_the_patch_as_the_deliverable() {
    Session waiting = executor.advance(start(PipelineDefinition.IMPLEMENT, "Serve Gantry's session API on AWS"));
    assertThat(waiting.status()).as(waiting.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);

    Session done = executor.advance(sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), null, "reviewer", null));

    assertThat(done.status()).as(done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(done.stage("publish").summary()).contains("local folder").contains("changes.patch is the deliverable");
  }

  static JsonNode invoke(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, Map<String, Object> payload)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(payload).getBytes(StandardCharsets.UTF_8)), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }
}

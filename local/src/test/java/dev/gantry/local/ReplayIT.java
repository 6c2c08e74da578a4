package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.SessionViews;
import dev.gantry.config.GantryRuntime;
import dev.gantry.config.Settings;
import dev.gantry.document.DocumentRef;
import dev.gantry.json.Json;
import dev.gantry.model.ModelClient;
import dev.gantry.model.TokenUsage;
import dev.gantry.model.replay.NoModel;
import dev.gantry.model.replay.RecordedModel;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.replay.ReplayRefusedException;
import dev.gantry.pipeline.replay.ReplayReport;
import dev.gantry.pipeline.replay.SessionReplay;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.InvalidRequestException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays of sessions run on the offline model, on the embedded stores: re-run with the recorded
 * model answers, compared with the recording, in a new session marked as a replay.
 */
class ReplayIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());
  static final AgentCatalog AGENTS = AgentCatalog.load(REPOSITORY.resolve("agents"));

  @TempDir static Path data;
  static OfflineStack stack;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static PipelineExecutor executor;
  /** Every model client a replay's stages were wired with. */
  static final List<ModelClient> given = new CopyOnWriteArrayList<>();

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

  /** Replays with {@code agents}, recording which model clients the stages get. */
  static SessionReplay replays(AgentCatalog agents) {
    return new SessionReplay(Pipelines.standard(), model -> {
      given.add(model);
      return TestPipelines.standardStages(SETTINGS, stores.documents(), agents, model);
    }, stores.sessions(), stores.documents(), GantryRuntime.repositories(SETTINGS, stores.documents()), Clock.systemUTC(),
        () -> UUID.randomUUID().toString(), StageListener.NONE);
  }

  static Session run(String pipeline, String goal) {
    Session session = executor.advance(
        sessions.start(SessionRequest.local(goal, REPOSITORY.toString(), null, pipeline), "tester").session());
    assertThat(session.status()).as(session.failure()).isIn(SessionStatus.SUCCEEDED, SessionStatus.AWAITING_APPROVAL);
    return session;
  }

  static List<String> actions(String sessionId) {
    return sessions.audit(sessionId).entries().stream().map(AuditEntry::action).toList();
  }

  static Path stored(String sessionId, String name) throws IOException {
    try (var files = Files.walk(data)) {
      return files.filter(f -> f.endsWith(Path.of(sessionId, name))).findFirst().orElseThrow();
    }
  }

  @Test
  void a_design_session_replays_identical_in_a_new_session_that_reuses_its_snapshot_and_calls_no_model() {
    Session original = run(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS");
    given.clear();

    ReplayReport report = replays(AGENTS).replay(original.sessionId(), "tester");

    assertThat(report.divergences()).isEmpty();
    assertThat(report.identical()).isTrue();
    assertThat(report.copied()).containsExactly("checkout");
    assertThat(report.replayed()).containsExactly("architect", "report");
    assertThat(report.toolResultsCompared()).isPositive();
    assertThat(report.documentsCompared()).isEqualTo(1); // architecture.md; report.md is not compared
    assertThat(report.notCompared()).extracting(ReplayReport.Excluded::name).containsExactly("report.md");
    assertThat(given).allMatch(m -> m instanceof RecordedModel || m instanceof NoModel);
    assertThat(given).filteredOn(RecordedModel.class::isInstance).map(RecordedModel.class::cast).singleElement()
        .satisfies(m -> assertThat(m.answered()).isEqualTo(m.recorded()).isPositive());

    Session replay = sessions.get(report.sessionId());
    assertThat(replay.status()).as(replay.failure()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(replay.origin().replayOf()).isEqualTo(original.sessionId());
    assertThat(replay.origin().trigger()).isEqualTo("replay");
    assertThat(new SessionViews(stores.documents(), s -> java.util.Optional.empty()).detail(replay).origin())
        .isEqualTo(new SessionViews.OriginView("replay", "tester", null, original.sessionId()));
    assertThat(replay.usage()).isEqualTo(TokenUsage.ZERO);
    assertThat(replay.stages()).extracting(StageRecord::name).containsExactly("checkout", "architect", "report");
    assertThat(replay.stage("checkout").summary()).startsWith("copied from session " + original.sessionId());
    assertThat(replay.documents().get("repository.tar.gz")).isEqualTo(original.documents().get("repository.tar.gz"));
    assertThat(replay.checkout()).isEqualTo(original.checkout());
    assertThat(replay.documents()).containsKeys("architecture.md", "transcript-architect.jsonl", "report.md", "replay.json");
    assertThat(new String(stores.documents().get(replay.documents().get("report.md").key()).orElseThrow(), StandardCharsets.UTF_8))
        .contains("recorded answers of session " + original.sessionId() + " (replay: no model called)");
    assertThat(actions(replay.sessionId())).startsWith("SessionCreated").endsWith("SessionSucceeded", "ReplayCompared");
    assertThat(sessions.audit(replay.sessionId()).entries()).last().extracting(AuditEntry::details).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("verdict", "identical")
        .containsEntry("replayOf", original.sessionId());
    assertThat(sessions.audit(replay.sessionId()).verification().valid()).isTrue();
    JsonNode stored = Json.tree(new String(stores.documents().get(replay.documents().get("replay.json").key()).orElseThrow(),
        StandardCharsets.UTF_8));
    assertThat(stored.get("replayOf").asText()).isEqualTo(original.sessionId());
    assertThat(stored.get("divergences")).isEmpty();
  }

  @Test
  void a_deliver_session_awaiting_approval_replays_identical_up_to_the_change_set_and_says_why_the_rest_is_not_replayed() {
    Session original = run(PipelineDefinition.DELIVER, "Serve Gantry's session API on AWS");
    assertThat(original.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);

    ReplayReport report = replays(AGENTS).replay(original.sessionId(), "tester");

    assertThat(report.divergences()).isEmpty();
    assertThat(report.replayed()).containsExactly("architect", "plan", "validate");
    assertThat(report.documentsCompared()).isEqualTo(4); // architecture.md, plan.md, template.yaml, validation.json
    assertThat(report.notReplayed()).extracting(ReplayReport.Excluded::name, ReplayReport.Excluded::reason).containsExactly(
        org.assertj.core.groups.Tuple.tuple("changeset", "calls CloudFormation (MAKE_CHANGE_SETS)"),
        org.assertj.core.groups.Tuple.tuple("approval", "waits for a person's decision: a replay asks no one"),
        org.assertj.core.groups.Tuple.tuple("deploy", "calls CloudFormation (EXECUTE_CHANGE_SETS)"),
        org.assertj.core.groups.Tuple.tuple("verify", "calls CloudFormation (WATCH_STACKS)"),
        org.assertj.core.groups.Tuple.tuple("report", "comes after the approval gate: it runs only on what a person approved"));
    Session replay = sessions.get(report.sessionId());
    assertThat(replay.status()).isEqualTo(SessionStatus.SUCCEEDED);
    assertThat(replay.documents()).doesNotContainKeys("changeset.json", "report.md");
    assertThat(replay.pendingChangeSet()).isNull();
  }

  @Test
  void an_implement_session_replays_identical_up_to_the_approval_and_its_patch_is_the_same() {
    Session original = run(PipelineDefinition.IMPLEMENT, "Serve Gantry's session API on AWS");
    assertThat(original.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);

    ReplayReport report = replays(AGENTS).replay(original.sessionId(), "tester");

    assertThat(report.divergences()).isEmpty();
    assertThat(report.replayed()).containsExactly("architect", "plan", "implement", "validate");
    Session replay = sessions.get(report.sessionId());
    assertThat(replay.documents().get("changes.patch").sha256()).isEqualTo(original.documents().get("changes.patch").sha256());
  }

  @Test
  void a_review_session_replays_identical() {
    Session original = run(PipelineDefinition.REVIEW, "Review Gantry before its first release");

    ReplayReport report = replays(AGENTS).replay(original.sessionId(), "tester");

    assertThat(report.divergences()).isEmpty();
    assertThat(report.replayed()).containsExactly("review", "report");
    assertThat(report.documentsCompared()).isEqualTo(2); // review.md, findings.json
    assertThat(sessions.get(report.sessionId()).status()).isEqualTo(SessionStatus.SUCCEEDED);
  }

  @Test
  void a_document_overwritten_in_the_store_after_it_was_written_is_a_divergence_naming_the_stage_and_document() {
    Session original = run(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS");
    DocumentRef architecture = original.documents().get("architecture.md");
    stores.documents().put(architecture.key(), "# A design nobody's agent wrote\n".getBytes(StandardCharsets.UTF_8),
        architecture.contentType());

    ReplayReport report = replays(AGENTS).replay(original.sessionId(), "tester");

    assertThat(report.identical()).isFalse();
    assertThat(report.divergences().get(0).describe()).startsWith("stage architect: architecture.md of session "
        + original.sessionId() + " was changed after it was written: stored sha256 ")
        .endsWith(", recorded " + architecture.sha256().substring(0, 12) + "...; the replay wrote the recorded one");
    assertThat(sessions.audit(report.sessionId()).entries()).last().extracting(AuditEntry::details).asInstanceOf(
        org.assertj.core.api.InstanceOfAssertFactories.MAP).containsEntry("verdict", "diverged");
  }

  @Test
  void an_agent_file_that_no_longer_offers_a_tool_diverges_at_the_turn_whose_tool_result_changed(@TempDir Path agents)
      throws IOException {
    Session original = run(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS");
    for (String name : List.of("architect.md", "planner.md", "deployer.md", "reviewer.md")) {
      Files.copy(REPOSITORY.resolve("agents").resolve(name), agents.resolve(name));
    }
    Path architect = agents.resolve("architect.md");
    Files.writeString(architect, Files.readString(architect).replace("tools: Read, Glob, Grep, Write", "tools: Read, Glob, Write"));

    ReplayReport report = replays(AgentCatalog.load(agents)).replay(original.sessionId(), "tester");

    assertThat(report.identical()).isFalse();
    assertThat(report.divergences().get(0).describe())
        .matches("stage architect, turn \\d+: tool search_text result sha256 [0-9a-f]{12}\\.\\.\\. differs from the recorded "
            + "[0-9a-f]{12}\\.\\.\\. \\(the replay's tool answered: tool 'search_text' is not offered to this agent.*\\)");
  }

  @Test
  void an_agent_missing_from_the_folder_fails_its_stage_in_the_replay_and_that_is_the_divergence(@TempDir Path agents)
      throws IOException {
    Session original = run(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS");
    Files.copy(REPOSITORY.resolve("agents").resolve("planner.md"), agents.resolve("planner.md"));

    ReplayReport report = replays(AgentCatalog.load(agents)).replay(original.sessionId(), "tester");

    assertThat(report.divergences()).extracting(ReplayReport.Divergence::describe).first().asString()
        .isEqualTo("stage architect: FAILED in the replay: agent 'architect' not found: add architect.md to the agent directory");
    assertThat(report.divergences()).extracting(ReplayReport.Divergence::describe)
        .contains("stage report: not reached: the replay ended before it");
    assertThat(report.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(actions(report.sessionId())).endsWith("StageFailed", "ReplayCompared");
  }

  @Test
  void a_changed_or_missing_transcript_is_refused_before_anything_is_replayed() throws IOException {
    Session original = run(PipelineDefinition.DESIGN, "Serve Gantry's session API on AWS");
    int before = sessions.list(100).size();
    Path transcript = stored(original.sessionId(), "transcript-architect.jsonl");
    Files.writeString(transcript, "{\"kind\":\"model_call\"}\n", java.nio.file.StandardOpenOption.APPEND);

    assertThatThrownBy(() -> replays(AGENTS).replay(original.sessionId(), "tester"))
        .isInstanceOf(ReplayRefusedException.class)
        .hasMessageStartingWith("transcript-architect.jsonl of session " + original.sessionId() + " has sha256 ")
        .hasMessageEndingWith("recorded on the session: it was changed after it was written; nothing was replayed");

    Files.delete(transcript);
    assertThatThrownBy(() -> replays(AGENTS).replay(original.sessionId(), "tester"))
        .isInstanceOf(ReplayRefusedException.class)
        .hasMessageStartingWith("transcript-architect.jsonl of session " + original.sessionId()
            + " is missing from the document store");
    assertThat(sessions.list(100)).hasSize(before);
  }

  @Test
  void a_running_or_unknown_session_is_a_bad_argument() {
    Session running = sessions.start(SessionRequest.local("x", REPOSITORY.toString(), null, "design"), "tester").session();

    assertThatThrownBy(() -> replays(AGENTS).replay(running.sessionId(), "tester"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessage("session " + running.sessionId() + " is RUNNING: replay it once it has ended (or waits for approval)");
    assertThatThrownBy(() -> replays(AGENTS).replay("no-such-session", "tester"))
        .hasMessage("no session with id no-such-session");
  }
}

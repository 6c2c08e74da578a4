package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.config.Settings;
import dev.gantry.document.DocumentRef;
import dev.gantry.hash.Sha256;
import dev.gantry.json.Json;
import dev.gantry.model.offline.OfflineModel;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.pipeline.Stages;
import dev.gantry.pipeline.TransientStageException;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole sessions through the local executor on DynamoDB Local and s3proxy, with the offline model. */
class SessionLifecycleIT {
  /** This repository: a real one to run sessions on. */
  static final Path REPOSITORY = TestPipelines.REPOSITORY;

  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());
  static final List<Duration> sleeps = new ArrayList<>();

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

  static PipelineExecutor executor(PipelineDefinition definition, Map<String, Stage> overrides) {
    return TestPipelines.executor(stores, SETTINGS, definition, overrides, sleeps::add);
  }

  static PipelineExecutor standardExecutor() {
    return executor(PipelineDefinition.standard(), Map.of());
  }

  /** The digest of the change set {@code session} awaits approval of. */
  static String changeSetDigest(Session session) {
    return session.pendingChangeSet() == null ? null : session.pendingChangeSet().sha256();
  }

  static Session start(String stack) {
    return sessions.start("Serve Gantry's session API on AWS", REPOSITORY, stack, "tester");
  }

  /** Runs a new session to the approval gate, failing with the session's recorded reason otherwise. */
  static Session awaitingApproval(PipelineExecutor executor, String stack) {
    Session session = executor.advance(start(stack));
    assertThat(session.status()).as("failure: %s", session.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
    return session;
  }

  static String document(Session session, String name) {
    DocumentRef ref = session.documents().get(name);
    return new String(stores.documents().get(ref.key()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void a_session_waits_for_approval_then_deploys_a_dry_run_and_reports() {
    try (PipelineExecutor executor = standardExecutor()) {
      Session waiting = awaitingApproval(executor, "lifecycle-stack");

      assertThat(waiting.status()).as("failure: %s", waiting.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(waiting.pendingDigest()).isEqualTo(waiting.documents().get("template.yaml").sha256());
      assertThat(waiting.documents()).containsOnlyKeys("repository.tar.gz", "architecture.md", "plan.md", "template.yaml",
          "validation.json", "changeset.json", "rollout.md",
          "transcript-architect.jsonl", "transcript-plan.jsonl", "transcript-changeset.jsonl");
      assertThat(waiting.pendingChangeSet().sha256()).isEqualTo(waiting.documents().get("changeset.json").sha256());
      assertThat(waiting.pendingChangeSet().changeSetId()).isEqualTo("dry-run:lifecycle-stack/gantry-" + waiting.sessionId());
      assertThat(waiting.pendingChangeSet().summary().adds()).isPositive();
      assertThatThrownBy(() -> sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), "0".repeat(64), "tester", null))
          .isInstanceOf(DecisionRefusedException.class).hasMessageContaining("is not the change set awaiting approval");
      assertThatThrownBy(() -> sessions.decide(waiting.sessionId(), true, "0".repeat(64), changeSetDigest(waiting), "tester", null))
          .isInstanceOf(DecisionRefusedException.class);
      assertThat(sessions.get(waiting.sessionId()).version()).isEqualTo(waiting.version());

      Session approved = sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), changeSetDigest(waiting), "alice", null);
      Session done = executor.advance(approved);

      assertThat(done.status()).as("failure: %s", done.failure()).isEqualTo(SessionStatus.SUCCEEDED);
      assertThat(done.stages()).extracting(StageRecord::name, StageRecord::status).containsExactly(
          org.assertj.core.groups.Tuple.tuple("checkout", StageStatus.SUCCEEDED), org.assertj.core.groups.Tuple.tuple("architect", StageStatus.SUCCEEDED), org.assertj.core.groups.Tuple.tuple("plan", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("validate", StageStatus.SUCCEEDED), org.assertj.core.groups.Tuple.tuple("changeset", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("approval", StageStatus.APPROVED), org.assertj.core.groups.Tuple.tuple("deploy", StageStatus.SUCCEEDED),
          org.assertj.core.groups.Tuple.tuple("verify", StageStatus.SUCCEEDED), org.assertj.core.groups.Tuple.tuple("report", StageStatus.SUCCEEDED));
      assertThat(done.documents()).hasSizeGreaterThanOrEqualTo(5);
      for (DocumentRef ref : done.documents().values()) {
        byte[] stored = stores.documents().get(ref.key()).orElseThrow();
        assertThat(Sha256.hex(stored)).as(ref.name()).isEqualTo(ref.sha256());
        assertThat((long) stored.length).isEqualTo(ref.sizeBytes());
      }
      assertThat(document(done, "architecture.md")).contains("Written by the offline model, no LLM", "Languages by file count: Java");
      JsonNode changeSet = Json.tree(document(done, "changeset.json"));
      assertThat(changeSet.path("mode").asText()).isEqualTo("dry-run");
      assertThat(document(done, "deployment.md")).contains("dry run", "Nothing was executed", "Approved by alice");
      assertThat(done.decision().changeSetDigest()).isEqualTo(waiting.pendingChangeSet().sha256());
      assertThat(document(done, "report.md")).contains("| architect |", "| deploy |", "| verify |", "approve by alice",
          "template.yaml", "dry-run change set");
      assertThat(done.usage().totalTokens()).isPositive();

      SessionService.AuditLog audit = sessions.audit(done.sessionId());
      assertThat(audit.verification().valid()).isTrue();
      assertThat(audit.entries()).extracting(AuditEntry::action).containsSubsequence(
          "SessionCreated", "StageSucceeded", "ApprovalRequested", "ApprovalGranted", "StageSucceeded", "SessionSucceeded");
      assertThat(audit.entries()).filteredOn(e -> e.action().equals("ApprovalGranted")).singleElement()
          .satisfies(e -> assertThat(e.actor()).isEqualTo("alice"));
      assertThat(audit.entries()).filteredOn(e -> "changeset".equals(e.details().get("stage")) && e.action().equals("StageSucceeded"))
          .singleElement().satisfies(e -> {
            assertThat(e.details().get("droppedTools")).startsWith("Bash");
            assertThat(e.details()).containsEntry("changeSetDigest", waiting.pendingChangeSet().sha256());
          });
    }
  }

  @Test
  void a_second_session_with_the_same_template_on_the_same_stack_has_no_changes_and_ends_without_asking_anyone() {
    try (PipelineExecutor executor = standardExecutor()) {
      Session first = awaitingApproval(executor, "baseline-stack");
      first = executor.advance(sessions.decide(first.sessionId(), true, first.pendingDigest(), changeSetDigest(first), "alice", null));
      assertThat(first.status()).as("failure: %s", first.failure()).isEqualTo(SessionStatus.SUCCEEDED);

      Session second = executor.advance(start("baseline-stack"));

      assertThat(Json.tree(document(first, "changeset.json")).path("summary").path("adds").asInt()).isPositive();
      assertThat(second.status()).as("failure: %s", second.failure()).isEqualTo(SessionStatus.SUCCEEDED);
      assertThat(second.currentStage()).isEqualTo("changeset");
      assertThat(second.stage("changeset").summary()).startsWith("no changes:");
      assertThat(second.stage("approval")).isNull();
      assertThat(Json.tree(document(second, "changeset.json")).path("changes")).isEmpty();
      assertThat(sessions.audit(second.sessionId()).entries()).extracting(AuditEntry::action)
          .doesNotContain("ApprovalRequested").endsWith("StageSucceeded", "SessionSucceeded");
    }
  }

  @Test
  void a_change_set_made_obsolete_by_another_deployment_of_its_stack_is_not_executed() {
    try (PipelineExecutor executor = standardExecutor()) {
      // GIVEN two sessions whose change sets were both made against the stack as it was
      Session first = awaitingApproval(executor, "obsolete-stack");
      Session second = awaitingApproval(executor, "obsolete-stack");

      // WHEN the first is approved and deployed, then the second
      first = executor.advance(sessions.decide(first.sessionId(), true, first.pendingDigest(), changeSetDigest(first), "alice", null));
      Session failed = executor.advance(
          sessions.decide(second.sessionId(), true, second.pendingDigest(), changeSetDigest(second), "alice", null));

      // THEN the second executes nothing and says why and what to do
      assertThat(first.status()).as("failure: %s", first.failure()).isEqualTo(SessionStatus.SUCCEEDED);
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("deploy: nothing was executed: change set " + second.pendingChangeSet().changeSetId()
          + " is obsolete: another template was executed on obsolete-stack after it was made; start a new session to make "
          + "a change set against the stack as it is now");
      assertThat(failed.stage("verify")).isNull();
    }
  }

  /** A clock the test moves: the sleeper advances it instead of sleeping. */
  static final class MovableClock extends Clock {
    private java.time.Instant now = java.time.Instant.parse("2026-12-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @Test
  void a_polling_stage_looks_again_at_its_interval_records_only_new_progress_and_fails_once_its_deadline_passes() {
    // GIVEN a stage that polls every 10 s for at most 35 s and whose work never finishes
    MovableClock clock = new MovableClock();
    List<Duration> waits = new ArrayList<>();
    AtomicInteger looks = new AtomicInteger();
    StageDefinition watch = new StageDefinition("watch", "Watch", java.util.Optional.empty(),
        dev.gantry.pipeline.RetryPolicy.none(), Duration.ofMinutes(1), false).polling(Duration.ofSeconds(10), Duration.ofSeconds(35));
    Stage stillDeploying = context -> StageOutcome.waiting(
        "stack gantry-watch " + (looks.incrementAndGet() <= 2 ? "UPDATE_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS"));
    try (PipelineExecutor executor = new PipelineExecutor(new PipelineDefinition(List.of(watch)), Map.of("watch", stillDeploying),
        stores.sessions(), stores.documents(), session -> { throw new AssertionError("no repository needed"); }, clock,
        duration -> {
          waits.add(duration);
          clock.advance(duration);
        }, dev.gantry.pipeline.StageListener.NONE)) {

      // WHEN the session runs
      Session failed = executor.advance(start("deadline-stack"));

      // THEN it looked at 0, 10, 20 and 30 s, recorded the two distinct states once each, and failed at 40 s
      assertThat(looks).hasValue(4);
      assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(10));
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("watch: watch waited longer than PT35S; last seen: stack gantry-watch UPDATE_ROLLBACK_IN_PROGRESS");
      assertThat(sessions.audit(failed.sessionId()).entries()).extracting(AuditEntry::action).containsExactly(
          "SessionCreated", "StageStarted", "StageProgress", "StageProgress", "StageFailed");
    }
  }

  @Test
  void a_template_changed_after_approval_is_not_deployed() {
    try (PipelineExecutor executor = standardExecutor()) {
      Session waiting = awaitingApproval(executor, "tampered-stack");
      Session approved = sessions.decide(waiting.sessionId(), true, waiting.pendingDigest(), changeSetDigest(waiting), "alice", null);
      DocumentRef template = approved.documents().get("template.yaml");
      stores.documents().put(template.key(),
          (document(approved, "template.yaml") + "\n  Extra:\n    Type: AWS::SNS::Topic\n").getBytes(StandardCharsets.UTF_8),
          "application/yaml");

      Session failed = executor.advance(approved);

      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).startsWith("deploy: template.yaml's SHA-256")
          .endsWith("is not the approved digest " + waiting.pendingDigest() + ": nothing was executed");
      assertThat(failed.documents()).doesNotContainKey("deployment.md");
      assertThat(stores.documents().get("stacks/tampered-stack/approved-template.json")).isEmpty();
    }
  }

  @Test
  void a_rejected_session_ends_rejected_and_never_deploys() {
    try (PipelineExecutor executor = standardExecutor()) {
      Session waiting = awaitingApproval(executor, "rejected-stack");
      Session rejected = sessions.decide(waiting.sessionId(), false, waiting.pendingDigest(), changeSetDigest(waiting), "bob", "needs a WAF");

      assertThat(rejected.status()).as("failure: %s", rejected.failure()).isEqualTo(SessionStatus.REJECTED);
      assertThat(rejected.documents()).doesNotContainKey("deployment.md");
      assertThat(stores.documents().get("stacks/rejected-stack/approved-template.json")).isEmpty();
      assertThatThrownBy(() -> executor.advance(rejected)).isInstanceOf(IllegalStateException.class);
      assertThat(sessions.audit(rejected.sessionId()).entries()).last()
          .satisfies(e -> {
            assertThat(e.action()).isEqualTo("ApprovalRejected");
            assertThat(e.details()).containsEntry("comment", "needs a WAF");
          });
    }
  }

  @Test
  void a_template_with_a_blocking_finding_fails_the_session_at_validate() {
    Stage wildcardPlan = context -> {
      context.documents().write("plan.md", "# plan");
      context.documents().write("template.yaml", """
          Resources:
            Admin:
              Type: AWS::IAM::ManagedPolicy
              Properties:
                PolicyDocument:
                  Statement:
                    - Effect: Allow
                      Action: "*"
                      Resource: "*"
          """);
      return StageOutcome.success("wrote a wildcard policy");
    };
    try (PipelineExecutor executor = executor(PipelineDefinition.standard(), Map.of("plan", wildcardPlan))) {
      Session failed = executor.advance(start("invalid-stack"));

      assertThat(failed.status()).as("failure: %s", failed.failure()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.currentStage()).isEqualTo("validate");
      assertThat(failed.failure()).contains("validation failed", "IamWildcardAction at Admin");
      assertThat(failed.pendingDigest()).isNull();
      assertThat(Json.tree(document(failed, "validation.json")).path("passed").asBoolean(true)).isFalse();
      assertThat(sessions.audit(failed.sessionId()).entries()).last()
          .satisfies(e -> assertThat(e.action()).isEqualTo("StageFailed"));
      assertThat(sessions.audit(failed.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void an_agent_file_that_fails_to_load_fails_its_stage_with_the_loader_message(@TempDir Path agents) throws Exception {
    java.nio.file.Files.writeString(agents.resolve("architect.md"), "---\nname: architect\n---\nno description\n");
    Map<String, Stage> stages = Stages.standard(AgentCatalog.load(agents), new AgentRunner(new OfflineModel()),
        SETTINGS.modelSelection(), new AgentRunner.Limits(20, 1_000_000, 8192), Clock.systemUTC(), OfflineModel.DESCRIPTION,
        dev.gantry.config.GantryRuntime.checkout(SETTINGS), new dev.gantry.deploy.DryRunDeployments(stores.documents()));
    try (PipelineExecutor executor = executor(PipelineDefinition.standard(), Map.of("architect", stages.get("architect")))) {
      Session failed = executor.advance(start("agentless-stack"));

      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("architect: agent 'architect' did not load: "
          + agents.resolve("architect.md") + ":1: missing required field 'description'");
    }
  }

  @Test
  void an_exception_in_a_stage_ends_the_session_failed_with_an_audit_entry() {
    Stage broken = context -> {
      throw new IllegalStateException("disk on fire");
    };
    try (PipelineExecutor executor = executor(PipelineDefinition.standard(), Map.of("architect", broken))) {
      Session failed = executor.advance(start("broken-stack"));

      assertThat(failed.status()).as("failure: %s", failed.failure()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.stage("architect").status()).isEqualTo(StageStatus.FAILED);
      assertThat(failed.stage("architect").attempts()).isEqualTo(1);
      assertThat(sessions.get(failed.sessionId()).status()).isEqualTo(SessionStatus.FAILED);
      assertThat(sessions.audit(failed.sessionId()).entries()).last().satisfies(e -> {
        assertThat(e.action()).isEqualTo("StageFailed");
        assertThat(e.details()).containsEntry("error", "java.lang.IllegalStateException").containsEntry("stage", "architect");
      });
    }
  }

  @Test
  void a_transient_failure_is_retried_with_backoff_and_then_succeeds() {
    AtomicInteger calls = new AtomicInteger();
    Stage flaky = context -> {
      if (calls.incrementAndGet() < 3) {
        throw new TransientStageException("throttled", null);
      }
      context.documents().write("architecture.md", "# third time lucky");
      return StageOutcome.success("ok on attempt " + context.attempt());
    };
    sleeps.clear();
    try (PipelineExecutor executor = executor(PipelineDefinition.standard(), Map.of("architect", flaky))) {
      Session waiting = executor.advance(start("flaky-stack"));

      assertThat(waiting.status()).as("failure: %s", waiting.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(waiting.stage("architect").attempts()).isEqualTo(3);
      assertThat(waiting.stage("architect").summary()).isEqualTo("ok on attempt 3");
      assertThat(sleeps).hasSize(2).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(4)));
      assertThat(sessions.audit(waiting.sessionId()).entries()).extracting(AuditEntry::action)
          .filteredOn("StageRetried"::equals).hasSize(2);
    }
  }

  @Test
  void a_run_that_cannot_go_on_is_abandoned_as_failed_and_only_while_running() throws Exception {
    java.util.concurrent.CountDownLatch inStage = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    Stage blocked = context -> {
      inStage.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return StageOutcome.success("released");
    };
    try (PipelineExecutor executor = executor(PipelineDefinition.standard(), Map.of("architect", blocked))) {
      Session session = start("abandoned-stack");
      var run = java.util.concurrent.CompletableFuture.supplyAsync(() -> executor.advance(session));
      assertThat(inStage.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      assertThat(executor.abandon(session.sessionId(), "interrupted: the gantry process was stopped", "interrupted")).isTrue();
      assertThat(executor.abandon(session.sessionId(), "again", "interrupted")).isFalse();
      release.countDown();
      assertThat(run).failsWithin(Duration.ofSeconds(30));

      Session failed = sessions.get(session.sessionId());
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.stage("architect").status()).isEqualTo(StageStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("architect: interrupted: the gantry process was stopped");
      assertThat(sessions.audit(session.sessionId()).entries()).last()
          .satisfies(e -> assertThat(e.details()).containsEntry("error", "interrupted"));
      assertThat(sessions.audit(session.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void a_stage_that_outlives_its_timeout_fails_the_session() {
    List<StageDefinition> declared = new ArrayList<>(PipelineDefinition.standard().stages());
    int index = PipelineDefinition.standard().indexOf("architect");
    StageDefinition architect = declared.get(index);
    declared.set(index, new StageDefinition(architect.name(), architect.stateName(), architect.agent(), architect.retry(),
        Duration.ofMillis(300), false));
    Stage slow = context -> {
      try {
        Thread.sleep(10_000); // simulates a model call that hangs; the executor must cut it off
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return StageOutcome.success("too late");
    };
    try (PipelineExecutor executor = executor(new PipelineDefinition(declared), Map.of("architect", slow))) {
      Session failed = executor.advance(start("slow-stack"));

      assertThat(failed.status()).as("failure: %s", failed.failure()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("architect: architect did not finish within PT0.3S");
    }
  }
}

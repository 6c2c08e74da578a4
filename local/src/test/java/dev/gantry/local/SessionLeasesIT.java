package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.Settings;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.InProcessWorkflow;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.SessionRecovery;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Lease;
import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leases on running sessions and their recovery, against DynamoDB Local: the lease is written
 * without a version or an audit entry and survives the run's own versioned writes; recoverers race
 * for an orphan and one wins; a push delivered again recovers an orphan or restarts a session the
 * full run queue refused; {@link InProcessWorkflow} never loses track of a run that ends at once.
 */
class SessionLeasesIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());

  @TempDir static Path data;
  static OfflineStack stack;
  static LocalStores stores;
  static SessionService sessions;

  @BeforeAll
  static void start() {
    stack = new OfflineStack(data, SETTINGS);
    stores = stack.stores;
    sessions = stack.sessions;
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  static Session started() {
    return sessions.start("Serve Gantry's session API on AWS", REPOSITORY, null, "cli:tester");
  }

  static PipelineExecutor executor() {
    return TestPipelines.executor(stores, SETTINGS, PipelineDefinition.standard(), Map.of(), d -> { });
  }

  /**
   * {@code session} as a run killed in {@code stage} leaves it: the stages before it done, {@code stage}
   * RUNNING, and a lease of {@code owner} until {@code until}.
   */
  static Session leftRunningIn(Session session, String stage, String owner, Instant until) {
    Session next = session;
    for (var declared : PipelineDefinition.standard().stages()) {
      if (declared.name().equals(stage)) {
        break;
      }
      next = next.withStage(new StageRecord(declared.name(), declared.approvalGate() ? StageStatus.APPROVED : StageStatus.SUCCEEDED,
          Instant.now(), Instant.now(), 1, TokenUsage.ZERO, "done", List.of()));
    }
    Session running = stores.sessions().update(session, next.withStage(new StageRecord(stage, StageStatus.RUNNING,
        Instant.now(), null, 1, TokenUsage.ZERO, null, List.of())), new AuditEvent(PipelineExecutor.ACTOR, "StageStarted",
        Map.of("stage", stage)));
    stores.sessions().takeLease(running, null, new Lease(owner, until));
    return running;
  }

  static List<String> actions(String id) {
    return stores.sessions().auditLog(id).stream().map(AuditEntry::action).toList();
  }

  @Test
  void a_lease_is_renewed_without_a_version_or_an_audit_entry_survives_the_runs_writes_and_goes_when_the_session_stops() {
    // GIVEN a running session leased by one run
    Session session = started();
    Lease lease = new Lease("local:host-a:1:aa", Instant.now().plusSeconds(60));
    stores.sessions().takeLease(session, null, lease);

    // WHEN the run renews it
    Lease renewed = new Lease(lease.owner(), lease.expiresAt().plusSeconds(60));
    assertThat(stores.sessions().renewLease(session.sessionId(), renewed)).isTrue();

    // THEN nothing of the session's history changed
    Session stored = sessions.get(session.sessionId());
    assertThat(stored.version()).isEqualTo(session.version());
    assertThat(stores.sessions().auditLog(session.sessionId())).hasSize(1);
    assertThat(stores.sessions().lease(session.sessionId())).contains(renewed);
    // AND another owner can neither renew nor take a live lease
    assertThat(stores.sessions().renewLease(session.sessionId(), new Lease("local:host-b:2:bb", Instant.now()))).isFalse();
    assertThatThrownBy(() -> stores.sessions().takeLease(stored, null, new Lease("local:host-b:2:bb", Instant.now().plusSeconds(60))))
        .isInstanceOf(SessionConflictException.class);

    // WHEN the run writes a versioned change while still RUNNING, the lease stays as renewed
    Session next = stores.sessions().update(stored, stored.withPendingDigest("ab".repeat(32)),
        new AuditEvent(PipelineExecutor.ACTOR, "StageSucceeded", Map.of("stage", "plan")));
    assertThat(stores.sessions().lease(session.sessionId())).contains(renewed);

    // AND when the session stops running, the same write removes it
    stores.sessions().update(next, next.withStatus(SessionStatus.FAILED).withFailure("plan: failed"),
        new AuditEvent(PipelineExecutor.ACTOR, "StageFailed", Map.of("stage", "plan")));
    assertThat(stores.sessions().lease(session.sessionId())).isEmpty();
  }

  @Test
  void two_recoverers_racing_for_an_orphan_take_it_once_and_resume_it_at_its_stage() throws Exception {
    // GIVEN a session whose run died in the checkout stage with a lease that lapsed
    Session orphaned = leftRunningIn(started(), "checkout", "local:gone-host:1:dead", Instant.now().minusSeconds(5));
    try (PipelineExecutor first = executor(); PipelineExecutor second = executor()) {
      SessionRecovery one = new SessionRecovery(first, stores.sessions(), Clock.systemUTC());
      SessionRecovery two = new SessionRecovery(second, stores.sessions(), Clock.systemUTC());
      SessionRecovery.Orphan seenByOne = one.orphan(orphaned).orElseThrow();
      SessionRecovery.Orphan seenByTwo = two.orphan(orphaned).orElseThrow();
      assertThat(seenByOne.why()).contains("expired");

      // WHEN both claim it at once
      CompletableFuture<Optional<SessionRecovery.Recovered>> a = CompletableFuture.supplyAsync(() -> one.recover(seenByOne));
      CompletableFuture<Optional<SessionRecovery.Recovered>> b = CompletableFuture.supplyAsync(() -> two.recover(seenByTwo));
      List<SessionRecovery.Recovered> won = new ArrayList<>();
      a.get().ifPresent(won::add);
      b.get().ifPresent(won::add);

      // THEN exactly one resumed it, with one audit entry naming the stage and the previous owner
      assertThat(won).singleElement().satisfies(r -> {
        assertThat(r.resumed()).isTrue();
        assertThat(r.stage()).isEqualTo("checkout");
      });
      List<AuditEntry> resumed = stores.sessions().auditLog(orphaned.sessionId()).stream()
          .filter(e -> e.action().equals(SessionRecovery.RESUMED)).toList();
      assertThat(resumed).singleElement().satisfies(e -> assertThat(e.details())
          .containsEntry("stage", "checkout").containsEntry("previousOwner", "local:gone-host:1:dead"));
      // AND the winner runs it on from there to the approval gate
      PipelineExecutor winner = stores.sessions().lease(orphaned.sessionId()).orElseThrow().owner()
          .equals(first.leases().owner()) ? first : second;
      Session done = winner.advance(won.get(0).session());
      assertThat(done.status()).as(done.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(stores.sessions().lease(orphaned.sessionId())).isEmpty();
    }
  }

  @Test
  void an_orphan_in_a_stage_not_safe_to_rerun_ends_failed_interrupted_and_a_live_run_is_left_alone() {
    Session inDeploy = leftRunningIn(started(), "deploy", "local:gone-host:1:dead", Instant.now().minusSeconds(1));
    try (PipelineExecutor executor = executor()) {
      SessionRecovery recovery = new SessionRecovery(executor, stores.sessions(), Clock.systemUTC());
      // a session whose lease is live and whose owner may be running elsewhere is no orphan
      Session live = leftRunningIn(started(), "architect", "local:other-host:1:alive", Instant.now().plusSeconds(60));
      assertThat(recovery.orphan(live)).isEmpty();
      // nor one whose lease lapsed while its owner, a live process on this machine, was asleep or slow to renew
      String[] ours = executor.leases().owner().split(":");
      long parent = ProcessHandle.current().parent().orElseThrow().pid();
      Session asleep = leftRunningIn(started(), "architect", ours[0] + ":" + ours[1] + ":" + parent + ":asleep",
          Instant.now().minusSeconds(5));
      assertThat(recovery.orphan(asleep)).as("taking it over would run the session twice").isEmpty();

      SessionRecovery.Recovered failed = recovery.recover(recovery.orphan(inDeploy).orElseThrow()).orElseThrow();

      assertThat(failed.resumed()).isFalse();
      Session stored = sessions.get(inDeploy.sessionId());
      assertThat(stored.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(stored.failure()).isEqualTo("deploy: " + SessionRecovery.REASON);
      assertThat(stores.sessions().auditLog(inDeploy.sessionId())).last().satisfies(e -> {
        assertThat(e.action()).isEqualTo("SessionFailed");
        assertThat(e.details()).containsEntry("error", SessionRecovery.ERROR).containsEntry("stage", "deploy");
      });
      assertThat(stores.sessions().lease(inDeploy.sessionId())).isEmpty();
    }
  }

  @Test
  void a_redelivery_recovers_an_orphan_and_restarts_a_session_the_full_queue_refused() throws Exception {
    try (PipelineExecutor executor = executor()) {
      InProcessWorkflow workflow = new InProcessWorkflow(executor, stores.sessions(), 2);
      try {
        // GIVEN a session refused by a full run queue, and one whose process died in checkout
        Session refused = started();
        executor.abandon(refused.sessionId(), "the run queue is full (0 sessions waiting to run)", InProcessWorkflow.RUN_QUEUE_FULL);
        Session orphaned = leftRunningIn(started(), "checkout", "local:gone-host:1:dead", Instant.now().minusSeconds(1));

        // WHEN their pushes are delivered again (one after the other: two sessions extracting the same
        // snapshot at once collide in the shared snapshot folder, which is not what this test is about)
        workflow.redelivered(sessions.get(refused.sessionId()));
        assertThat(workflow.awaitIdle(Duration.ofSeconds(60))).isTrue();
        workflow.redelivered(sessions.get(orphaned.sessionId()));
        assertThat(workflow.awaitIdle(Duration.ofSeconds(60))).isTrue();

        // THEN both run to the approval gate, the audit saying why
        assertThat(sessions.get(refused.sessionId()).status()).as("%s %s", actions(refused.sessionId()),
                sessions.get(refused.sessionId()).failure())
            .isEqualTo(SessionStatus.AWAITING_APPROVAL);
        assertThat(actions(refused.sessionId())).containsSubsequence("SessionFailed", "SessionRestarted", "StageStarted");
        assertThat(sessions.get(orphaned.sessionId()).status()).as("%s", actions(orphaned.sessionId()))
            .isEqualTo(SessionStatus.AWAITING_APPROVAL);
        assertThat(actions(orphaned.sessionId())).containsSubsequence("StageStarted", SessionRecovery.RESUMED, "StageSucceeded");

        // AND a session that ended any other way is left as it is
        Session failed = sessions.get(refused.sessionId());
        sessions.cancel(failed.sessionId(), "cli:tester", "done");
        workflow.redelivered(sessions.get(failed.sessionId()));
        assertThat(sessions.get(failed.sessionId()).status()).isEqualTo(SessionStatus.CANCELLED);
      } finally {
        workflow.close();
      }
    }
  }

  @Test
  void runs_that_end_at_once_are_never_left_in_flight() throws Exception {
    // GIVEN sessions that are no longer RUNNING, so each run ends as soon as it starts
    try (PipelineExecutor executor = executor()) {
      InProcessWorkflow workflow = new InProcessWorkflow(executor, stores.sessions(), 4);
      try {
        List<Session> ended = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          Session s = started();
          ended.add(sessions.cancel(s.sessionId(), "cli:tester", null).withStatus(SessionStatus.RUNNING));
        }
        // WHEN each is handed to the workflow many times
        for (int round = 0; round < 20; round++) {
          ended.forEach(workflow::decided);
        }
        // THEN the workflow becomes idle: no run is recorded in flight after it ended
        assertThat(workflow.awaitIdle(Duration.ofSeconds(10))).isTrue();
      } finally {
        workflow.close();
      }
    }
  }
}

package dev.gantry.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.gantry.json.Json;
import dev.gantry.pipeline.DecisionRedelivery;
import dev.gantry.pipeline.ExecutionRecorder;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.SessionWorkflow;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionTables;
import dev.gantry.telemetry.StageTelemetry;
import dev.gantry.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.crac.Context;
import org.crac.Resource;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Priming runs each handler's real path and changes nothing: on the real session store (DynamoDB
 * Local in-process), a session that exists keeps its version and audit log, no session is created,
 * no stage runs, no notice is sent, and the handler then serves a real event as before.
 */
class HandlerPrimingTest {
  static final DynamoDbClient DYNAMODB = com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded.create().dynamoDbClient();
  static {
    DYNAMODB.createTable(SessionTables.sessionsTable("sessions"));
    DYNAMODB.createTable(SessionTables.auditTable("audit"));
  }

  final DynamoDbSessionStore store = new DynamoDbSessionStore(DYNAMODB, "sessions", "audit", Clock.systemUTC(),
      new dev.gantry.session.keyfile.HmacAuditMac(new byte[32], "test:zeros"),
      new dev.gantry.session.AuditAnchors() {
        final List<Anchor> anchored = new CopyOnWriteArrayList<>();
        @Override public void anchor(String sessionId, long seq, String hash) { anchored.add(new Anchor(seq, hash)); }
        @Override public List<Anchor> anchors(String sessionId) { return anchored; }
      }, Optional.empty());
  final SessionService sessions = new SessionService(store, Clock.systemUTC(), () -> UUID.randomUUID().toString(), false);
  final List<String> started = new CopyOnWriteArrayList<>();
  final SessionWorkflow workflow = new SessionWorkflow() {
    @Override public void start(Session session) { started.add(session.sessionId()); }
    @Override public void decided(Session session) { started.add("decided " + session.sessionId()); }
    @Override public void cancelled(Session session) { started.add("cancelled " + session.sessionId()); }
  };

  @Test
  void priming_every_handler_changes_no_session_runs_no_stage_and_sends_nothing() throws Exception {
    // GIVEN a running session, and handlers on the real store whose stages and notices are counted
    Session running = newSession();
    long auditEntries = store.auditLog(running.sessionId()).size();
    AtomicInteger stagesRun = new AtomicInteger();
    List<String> notices = new CopyOnWriteArrayList<>();
    ExecutionRecorder recorder = new ExecutionRecorder(Pipelines.standard(), store, Clock.systemUTC(), StageListener.NONE);
    FailureRecorderHandler failures = new FailureRecorderHandler(recorder);
    ApprovalRequestHandler approvals = new ApprovalRequestHandler(recorder, s -> notices.add(s.sessionId()));
    StageHandler stages = new StageHandler(executor(context -> {
      stagesRun.incrementAndGet();
      return new StageOutcome(true, "ran", null, List.of(), null);
    }));
    PushEventHandler pushes = new PushEventHandler(new PushSessionStarter(PushRules.none(), sessions, workflow));
    DecisionRedeliveryHandler redelivery = new DecisionRedeliveryHandler(new DecisionRedelivery(sessions, workflow));

    // WHEN each primes, as beforeCheckpoint or init does
    failures.prime();
    approvals.prime();
    stages.prime();
    pushes.prime();
    redelivery.prime();

    // THEN nothing changed
    Session after = store.find(running.sessionId()).orElseThrow();
    assertThat(after.version()).isEqualTo(running.version());
    assertThat(after.status()).isEqualTo(SessionStatus.RUNNING);
    assertThat(store.auditLog(running.sessionId())).hasSize((int) auditEntries);
    assertThat(store.list(null, 100, null).sessions()).extracting(Session::sessionId).containsExactly(running.sessionId());
    assertThat(stagesRun).hasValue(0);
    assertThat(notices).isEmpty();
    assertThat(started).isEmpty();

    // AND a real event is served afterwards: the failure recorder ends the running session
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    failures.handleRequest(new ByteArrayInputStream(Json.write(Map.of("sessionId", running.sessionId(), "outcome", "FAILED",
        "error", Map.of("Error", "States.TaskFailed", "Cause", "boom"))).getBytes(StandardCharsets.UTF_8)), out,
        StageTaskLogTest.lambdaContext());
    assertThat(Json.MAPPER.readTree(out.toByteArray()).path("recorded").asBoolean()).isTrue();
    assertThat(store.find(running.sessionId()).orElseThrow().status()).isEqualTo(SessionStatus.FAILED);
  }

  @Test
  void the_session_priming_maps_to_an_item_and_back_unchanged_without_a_request() {
    Session sample = Session.primingSample();

    assertThat(store.primeMapping(sample)).isEqualTo(sample);
    assertThat(store.find(sample.sessionId())).as("nothing stored").isEmpty();
  }

  @Test
  void with_snap_start_the_priming_waits_for_the_checkpoint_and_without_it_runs_during_init() {
    AtomicInteger primed = new AtomicInteger();
    Resource handler = new Resource() {
      @Override public void beforeCheckpoint(Context<? extends Resource> context) { Priming.beforeCheckpoint("test", primed::incrementAndGet); }
      @Override public void afterRestore(Context<? extends Resource> context) { }
    };

    Priming.atInit(handler, "test", primed::incrementAndGet, Map.of(Priming.INITIALIZATION_TYPE, Priming.SNAP_START));
    assertThat(primed).as("registered for the checkpoint, not primed at init").hasValue(0);

    Priming.atInit(handler, "test", primed::incrementAndGet, Map.of(Priming.INITIALIZATION_TYPE, "on-demand"));
    assertThat(primed).as("on-demand: primed during init").hasValue(1);
  }

  @Test
  void a_priming_that_fails_never_fails_init() {
    Runnable unreachable = () -> { throw new IllegalStateException("DynamoDB unreachable"); };

    assertThatCode(() -> Priming.atInit(null, "test", unreachable, Map.of())).doesNotThrowAnyException();
    assertThatCode(() -> Priming.beforeCheckpoint("test", unreachable)).doesNotThrowAnyException();
  }

  private Session newSession() {
    Session session = Session.start(UUID.randomUUID().toString(), "a goal", "https://example.com/r.git", "gantry-r",
        PipelineDefinition.DELIVER, Map.of(), SessionOrigin.cli("tester"), Instant.now());
    return store.create(session, new AuditEvent("tester", "SessionCreated", Map.of()));
  }

  private PipelineExecutor executor(Stage every) {
    Map<String, Stage> stages = new HashMap<>();
    Pipelines.standard().stages().stream().filter(s -> !s.approvalGate()).forEach(s -> stages.put(s.name(), every));
    return new PipelineExecutor(Pipelines.standard(), stages, store, new StageTaskLogTest.NoDocuments(),
        s -> { throw new UnsupportedOperationException("no repository"); },
        Clock.systemUTC(), delay -> { }, new StageTelemetry(Telemetry.NONE));
  }
}

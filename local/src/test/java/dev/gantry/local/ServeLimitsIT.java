package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.api.Router;
import dev.gantry.config.Settings;
import dev.gantry.local.ApiTransports.Answer;
import dev.gantry.local.ApiTransports.Call;
import dev.gantry.local.ApiTransports.Transport;
import dev.gantry.pipeline.InProcessWorkflow;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gantry serve} under load: a token bucket answers 429 above its rate while {@code /health}
 * still answers, and a full queue of background runs answers 503 and fails the refused session.
 */
class ServeLimitsIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final String TOKEN = "token-" + UUID.randomUUID();
  static final String CALLER = "local:tester";
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());

  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static PipelineExecutor executor;
  static InProcessWorkflow workflow;
  static Router router;
  /** Released once per checkout the blocking stage may finish; {@link #entered} counts checkouts begun. */
  static final Semaphore release = new Semaphore(0);
  static final Semaphore entered = new Semaphore(0);

  @BeforeAll
  static void start() {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, SETTINGS, Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
    Stage blockingCheckout = context -> {
      entered.release();
      try {
        return release.tryAcquire(60, TimeUnit.SECONDS)
            ? StageOutcome.failure("test checkout released") : StageOutcome.failure("test checkout never released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return StageOutcome.failure("interrupted");
      }
    };
    executor = TestPipelines.executor(stores, SETTINGS, PipelineDefinition.standard(), Map.of("checkout", blockingCheckout), d -> { });
    workflow = new InProcessWorkflow(executor, stores.sessions(), 1, 1); // one running, one waiting
    AgentCatalog agents = AgentCatalog.load(REPOSITORY.resolve("agents"));
    router = new GantryApi(sessions, workflow, stores.documents(), DocumentDelivery.streamed(stores.documents()), agents,
        WebhookSecrets.of(null, null), PushRules.none(), push -> { }, id -> Optional.empty()).router();
  }

  @AfterAll
  static void stop() {
    release.release(100);
    workflow.close();
    executor.close();
    stores.close();
    engines.close();
  }

  @Test
  void a_burst_above_the_rate_gets_429_with_retry_after_while_health_answers() {
    // GIVEN a server answering bursts of 5, then 1 request a second
    try (LocalApiServer server = LocalApiServer.start(router, 0, TOKEN, CALLER, new LocalApiServer.RateLimit(1, 5))) {
      Transport serve = ApiTransports.serve(server, TOKEN, CALLER);

      // WHEN 20 reads arrive at once
      List<Answer> answers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answers.add(serve.send(Call.get("/agents")));
      }
      Answer health = serve.send(Call.get("/health").anonymous());

      // THEN the burst passes, the rest is refused with a problem and a whole-second Retry-After
      assertThat(answers).extracting(Answer::status).containsOnly(200, 429);
      assertThat(answers).filteredOn(a -> a.status() == 200).hasSizeBetween(5, 10); // the burst, plus 1 a second of sending
      List<Answer> refused = answers.stream().filter(a -> a.status() == 429).toList();
      assertThat(refused).hasSizeGreaterThanOrEqualTo(10).allSatisfy(a -> {
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.json().path("type").asText()).isEqualTo("https://gantry.dev/problems/too-many-requests");
        assertThat(a.json().path("title").asText()).isEqualTo("Too many requests");
        assertThat(a.json().path("status").asInt()).isEqualTo(429);
        assertThat(a.json().path("detail").asText()).contains("GANTRY_SERVE_RATE").doesNotContain("Exception");
        assertThat(a.json().path("instance").asText()).isEqualTo("/agents");
        assertThat(Long.parseLong(a.header("Retry-After"))).isGreaterThanOrEqualTo(1);
      });
      // AND liveness is never limited
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().path("status").asText()).isEqualTo("ok");
    }
  }

  @Test
  void a_full_run_queue_answers_503_and_fails_the_refused_session() throws Exception {
    try (LocalApiServer server = LocalApiServer.start(router, 0, TOKEN, CALLER)) {
      Transport serve = ApiTransports.serve(server, TOKEN, CALLER);
      String body = "{\"goal\":\"Serve Gantry's API\",\"repository\":{\"path\":\"" + REPOSITORY + "\"}}";

      // GIVEN one session running (blocked in checkout) and one waiting: the queue of one is full
      Answer running = serve.send(Call.post("/sessions", body));
      assertThat(running.status()).as(running.text()).isEqualTo(202);
      assertThat(entered.tryAcquire(30, TimeUnit.SECONDS)).as("the first run reached checkout").isTrue();
      Answer waiting = serve.send(Call.post("/sessions", body));
      assertThat(waiting.status()).as(waiting.text()).isEqualTo(202);
      assertThat(workflow.queued()).isEqualTo(1);

      // WHEN a third session is started
      Answer refused = serve.send(Call.post("/sessions", body));

      // THEN it is refused with 503 problem+json and Retry-After
      assertThat(refused.status()).as(refused.text()).isEqualTo(503);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(Long.parseLong(refused.header("Retry-After"))).isGreaterThanOrEqualTo(1);
      assertThat(refused.json().path("detail").asText()).contains("run queue is full").contains("FAILED");
      // AND the refused session is not left RUNNING: it ended FAILED with a reason and an audit entry
      Session failed = sessions.list(10).stream()
          .filter(s -> refused.json().path("detail").asText().contains(s.sessionId())).findFirst().orElseThrow();
      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).contains("the run queue is full");
      List<AuditEntry> audit = sessions.audit(failed.sessionId()).entries();
      assertThat(audit).filteredOn(e -> e.action().equals("SessionFailed")).singleElement()
          .satisfies(e -> assertThat(e.details()).containsEntry("error", "RunQueueFull"));
      assertThat(sessions.audit(failed.sessionId()).verification().valid()).isTrue();

      // AND the admitted sessions still run once threads free up
      release.release(2);
      assertThat(workflow.awaitIdle(Duration.ofSeconds(60))).isTrue();
      assertThat(workflow.queued()).isZero();
      Answer again = serve.send(Call.post("/sessions", body));
      assertThat(again.status()).as(again.text()).isEqualTo(202);
      release.release(1);
      assertThat(workflow.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }
  }
}

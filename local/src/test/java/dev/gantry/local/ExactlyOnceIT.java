package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.GantryApi;
import dev.gantry.api.Router;
import dev.gantry.config.Settings;
import dev.gantry.handler.PushEventHandler;
import dev.gantry.json.Json;
import dev.gantry.local.ApiTransports.Answer;
import dev.gantry.local.ApiTransports.Call;
import dev.gantry.local.ApiTransports.Transport;
import dev.gantry.pipeline.StageListener;
import dev.gantry.push.PushDeliveryException;
import dev.gantry.push.PushPublisher;
import dev.gantry.push.PushRule;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.push.WebhookSignatures;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once behaviour on DynamoDB Local: one session per push delivery however often and however
 * concurrently it is redelivered, and one decision per session however many approvers race.
 */
class ExactlyOnceIT {
  static final Path REPOSITORY = SessionLifecycleIT.REPOSITORY;
  static final String SECRET = "webhook-secret-" + UUID.randomUUID();
  static final String GITLAB_TOKEN = "gitlab-token-" + UUID.randomUUID();
  static final String TOKEN = "token-" + UUID.randomUUID();

  @TempDir static Path data;
  static LocalGantry gantry;
  static PushRules rules;
  static LocalApiServer server;
  static Transport serve;

  @BeforeAll
  static void start() {
    gantry = new LocalGantry(Settings.fromEnvironment(Map.of("GANTRY_REPOSITORY_ROOTS", REPOSITORY.toString())), data,
        AgentCatalog.load(REPOSITORY.resolve("agents")), StageListener.NONE);
    rules = new PushRules(List.of(
        new PushRule("octo-org/orders-service", List.of(), "gantry-orders-prod", REPOSITORY.toString(), Map.of()),
        new PushRule("shop/payments", List.of("main"), null, REPOSITORY.toString(), Map.of()),
        new PushRule("inventory", List.of("main"), null, REPOSITORY.toString(), Map.of())));
    server = LocalApiServer.start(gantry.api(rules, WebhookSecrets.of(SECRET, GITLAB_TOKEN)).router(), 0, TOKEN, "local:tester");
    serve = ApiTransports.serve(server, TOKEN, "local:tester");
  }

  @AfterAll
  static void stop() throws InterruptedException {
    gantry.workflow().awaitIdle(Duration.ofSeconds(60));
    server.close();
    gantry.close();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ExactlyOnceIT.class.getResourceAsStream("/" + name)) {
      return in.readAllBytes();
    }
  }

  static Call gitHub(String event, String delivery, byte[] body) {
    return new Call("POST", "/webhooks/github", Map.of(
        "Content-Type", "application/json",
        "X-GitHub-Event", event,
        "X-GitHub-Delivery", delivery,
        "X-Hub-Signature-256", WebhookSignatures.gitHubSignature(SECRET.getBytes(StandardCharsets.UTF_8), body)), body, false);
  }

  static List<Session> sessionsOf(String provider, String delivery) {
    String id = SessionService.idFor("push:" + provider, delivery);
    List<Session> found = new ArrayList<>();
    for (Session s : gantry.runtime().sessions().list(null, 100, null).sessions()) {
      if (s.origin() != null && delivery.equals(s.origin().idempotencyKey())) {
        found.add(s);
      }
    }
    assertThat(found).allMatch(s -> s.sessionId().equals(id));
    return found;
  }

  @Test
  void a_github_ping_is_answered_and_a_bad_signature_refused() throws IOException {
    byte[] ping = resource("webhooks/github-ping.json");

    Answer pong = serve.send(gitHub("ping", UUID.randomUUID().toString(), ping));
    assertThat(pong.status()).isEqualTo(200);
    assertThat(pong.json().path("status").asText()).isEqualTo("ignored");
    assertThat(pong.json().path("reason").asText()).startsWith("ping: the webhook reaches Gantry");
    assertThat(pong.json().path("zen").asText()).isEqualTo("Design for failure.");

    Call forged = gitHub("push", UUID.randomUUID().toString(), resource("webhooks/github-push.json"))
        .header("X-Hub-Signature-256", WebhookSignatures.gitHubSignature("guess".getBytes(StandardCharsets.UTF_8), ping));
    assertThat(serve.send(forged).status()).isEqualTo(401);
  }

  /** The GitHub push fixture with some fields replaced. */
  static byte[] gitHubPush(Map<String, Object> changes) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode push =
        (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(resource("webhooks/github-push.json"));
    changes.forEach((field, value) -> {
      if (field.startsWith("repository.")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) push.path("repository")).put(field.substring(11), (String) value);
      } else {
        push.set(field, Json.MAPPER.valueToTree(value));
      }
    });
    return Json.MAPPER.writeValueAsBytes(push);
  }

  @Test
  void a_delivery_that_starts_nothing_is_answered_200_ignored_with_its_reason_and_logged_once() throws IOException {
    Map<String, Call> deliveries = new java.util.LinkedHashMap<>();
    deliveries.put("another event", gitHub("issues", UUID.randomUUID().toString(), resource("webhooks/github-ping.json")));
    deliveries.put("a tag push", gitHub("push", UUID.randomUUID().toString(), gitHubPush(Map.of("ref", "refs/tags/v1.2.0"))));
    deliveries.put("a branch deletion", gitHub("push", UUID.randomUUID().toString(),
        gitHubPush(Map.of("deleted", true, "after", "0".repeat(40)))));
    deliveries.put("a branch no rule covers", gitHub("push", UUID.randomUUID().toString(),
        gitHubPush(Map.of("ref", "refs/heads/feature/spike"))));
    deliveries.put("a repository no rule names", gitHub("push", UUID.randomUUID().toString(),
        gitHubPush(Map.of("repository.full_name", "octo-org/unknown", "repository.name", "unknown"))));
    Map<String, String> expectedReasons = Map.of(
        "another event", "event 'issues' is not handled: Gantry starts sessions from push events",
        "a tag push", "refs/tags/v1.2.0 is not a branch: Gantry starts sessions for branch pushes",
        "a branch deletion", "refs/heads/main was deleted: nothing to build",
        "a branch no rule covers", "branch feature/spike is not the default branch main of octo-org/orders-service",
        "a repository no rule names", "no push rule names repository octo-org/unknown");
    int before = gantry.runtime().sessions().list(null, 100, null).sessions().size();

    try (LogLines log = LogLines.of("dev.gantry.api.WebhookRoutes")) {
      for (Map.Entry<String, Call> delivery : deliveries.entrySet()) {
        Answer answer = serve.send(delivery.getValue());

        assertThat(answer.status()).as(delivery.getKey() + ": " + answer.text()).isEqualTo(200);
        assertThat(answer.json().path("status").asText()).as(delivery.getKey()).isEqualTo("ignored");
        assertThat(answer.json().path("reason").asText()).as(delivery.getKey()).isEqualTo(expectedReasons.get(delivery.getKey()));
        assertThat(answer.json().has("session")).as(delivery.getKey()).isFalse();
        String id = delivery.getValue().headers().get("X-GitHub-Delivery");
        assertThat(log.lines()).as(delivery.getKey()).filteredOn(line -> line.contains(id)).singleElement().asString()
            .contains("ignored: " + expectedReasons.get(delivery.getKey()));
      }
    }
    assertThat(gantry.runtime().sessions().list(null, 100, null).sessions()).hasSize(before);
  }

  @Test
  void redelivering_a_github_push_sequentially_yields_one_session_on_the_default_branch() throws Exception {
    String delivery = UUID.randomUUID().toString();
    byte[] push = resource("webhooks/github-push.json");

    Answer first = serve.send(gitHub("push", delivery, push));
    Answer second = serve.send(gitHub("push", delivery, push));

    assertThat(first.status()).as(first.text()).isEqualTo(202);
    assertThat(first.json().path("status").asText()).isEqualTo("accepted");
    assertThat(second.status()).isEqualTo(202);
    List<Session> sessions = sessionsOf("github", delivery);
    assertThat(sessions).hasSize(1);
    Session session = sessions.get(0);
    assertThat(first.json().path("session").asText()).isEqualTo(session.sessionId());
    assertThat(second.json().path("session").asText()).isEqualTo(session.sessionId());
    assertThat(session.stackName()).isEqualTo("gantry-orders-prod");
    assertThat(session.goal()).contains("octo-org/orders-service at 0d1a26e67d8f, pushed to main by mona")
        .contains("Add DynamoDB table for orders");
    assertThat(session.origin().commit()).isEqualTo("0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c");
    List<AuditEntry> audit = gantry.runtime().sessions().audit(session.sessionId()).entries();
    assertThat(audit.get(0).actor()).isEqualTo("push:github:mona");
    assertThat(audit.stream().filter(e -> e.action().equals("SessionCreated"))).hasSize(1);
  }

  @Test
  void twenty_concurrent_redeliveries_yield_one_session() throws Exception {
    String delivery = UUID.randomUUID().toString();
    Call call = gitHub("push", delivery, resource("webhooks/github-push.json"));
    CountDownLatch gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        answers.add(pool.submit(() -> {
          gate.await();
          return serve.send(call);
        }));
      }
      gate.countDown();
      for (Future<Answer> answer : answers) {
        assertThat(answer.get().status()).as(answer.get().text()).isEqualTo(202);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(sessionsOf("github", delivery)).hasSize(1);
    gantry.workflow().awaitIdle(Duration.ofSeconds(60));
    Session session = sessionsOf("github", delivery).get(0);
    assertThat(session.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
    assertThat(gantry.runtime().sessions().audit(session.sessionId()).entries())
        .filteredOn(e -> e.action().equals("StageStarted") && e.details().get("stage").equals("architect")).hasSize(1);
  }

  @Test
  void a_redelivery_after_a_first_attempt_that_failed_before_creating_a_session_is_processed() throws Exception {
    AtomicBoolean failOnce = new AtomicBoolean(true);
    PushSessionStarter starter = new PushSessionStarter(rules, gantry.runtime().sessions(), gantry.workflow());
    PushPublisher flaky = push -> {
      if (failOnce.getAndSet(false)) {
        throw new PushDeliveryException("the bus refused the event", null);
      }
      starter.publish(push);
    };
    Router router = new GantryApi(gantry.runtime().sessions(), gantry.workflow(), gantry.documents(),
        dev.gantry.api.DocumentDelivery.streamed(gantry.documents()), AgentCatalog.load(REPOSITORY.resolve("agents")),
        WebhookSecrets.of(SECRET, null), rules, flaky, id -> java.util.Optional.empty()).router();
    Transport lambda = ApiTransports.lambda(router);
    String delivery = UUID.randomUUID().toString();
    Call call = gitHub("push", delivery, resource("webhooks/github-push.json"));

    Answer failed = lambda.send(call);
    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.header("Retry-After")).isEqualTo("30");
    assertThat(sessionsOf("github", delivery)).isEmpty();

    assertThat(lambda.send(call).status()).isEqualTo(202);
    assertThat(sessionsOf("github", delivery)).hasSize(1);
  }

  @Test
  void a_gitlab_push_hook_starts_one_session_per_idempotency_key() throws Exception {
    String key = UUID.randomUUID().toString();
    byte[] body = resource("webhooks/gitlab-push.json");
    Call call = new Call("POST", "/webhooks/gitlab", Map.of("Content-Type", "application/json", "X-Gitlab-Event", "Push Hook",
        "X-Gitlab-Token", GITLAB_TOKEN, "Idempotency-Key", key), body, false);

    Answer first = serve.send(call);
    assertThat(first.status()).isEqualTo(202);
    assertThat(serve.send(call).status()).isEqualTo(202);
    assertThat(serve.send(call.header("X-Gitlab-Token", "wrong")).status()).isEqualTo(401);
    Answer tag = serve.send(call.header("X-Gitlab-Event", "Tag Push Hook").header("Idempotency-Key", UUID.randomUUID().toString()));
    assertThat(tag.status()).isEqualTo(200);
    assertThat(tag.json().path("reason").asText()).isEqualTo("event 'Tag Push Hook' is not handled: Gantry starts sessions from push hooks");

    List<Session> sessions = sessionsOf("gitlab", key);
    assertThat(sessions).hasSize(1);
    assertThat(first.json().path("session").asText()).isEqualTo(sessions.get(0).sessionId());
    assertThat(sessions.get(0).goal()).contains("shop/payments at da1560886d4f, pushed to main by jsmith (2 commits)");
  }

  @Test
  void a_codecommit_reference_update_through_the_push_function_starts_one_session() throws Exception {
    PushEventHandler handler = new PushEventHandler(new PushSessionStarter(rules, gantry.runtime().sessions(), gantry.workflow()));
    byte[] event = resource("events/codecommit-reference-updated.json");

    JsonNode first = invoke(handler, event);
    JsonNode again = invoke(handler, event);

    assertThat(first.path("created").asBoolean()).isTrue();
    assertThat(again.path("created").asBoolean()).isFalse();
    assertThat(again.path("sessionId").asText()).isEqualTo(first.path("sessionId").asText());
    assertThat(sessionsOf("codecommit", "01234567-0123-0123-0123-012345678901")).hasSize(1);
  }

  static JsonNode invoke(PushEventHandler handler, byte[] event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new java.io.ByteArrayInputStream(event), out, null);
    return Json.tree(out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void of_ten_concurrent_approvals_exactly_one_is_recorded_and_the_others_get_409() throws Exception {
    SessionService sessions = gantry.runtime().sessions();
    Session waiting = gantry.runtime().executor().advance(
        sessions.start("Race the approvals", REPOSITORY, "gantry-race-stack", "tester"));
    assertThat(waiting.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
    Call approve = Call.post("/sessions/" + waiting.sessionId() + "/approval",
        "{\"decision\":\"approve\",\"digest\":\"" + waiting.pendingDigest() + "\",\"changeSetDigest\":\""
            + waiting.pendingChangeSet().sha256() + "\"}");
    CountDownLatch gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<Integer> statuses = new ArrayList<>();
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        Callable<Answer> call = () -> {
          gate.await();
          return serve.send(approve);
        };
        answers.add(pool.submit(call));
      }
      gate.countDown();
      for (Future<Answer> answer : answers) {
        statuses.add(answer.get().status());
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(9);
    assertThat(sessions.audit(waiting.sessionId()).entries())
        .filteredOn(e -> e.action().equals("ApprovalGranted")).singleElement()
        .satisfies(e -> assertThat(e.actor()).isEqualTo("local:tester"));
  }
}

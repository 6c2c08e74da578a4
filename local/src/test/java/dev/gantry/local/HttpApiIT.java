package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.api.Router;
import dev.gantry.config.Settings;
import dev.gantry.hash.Sha256;
import dev.gantry.local.ApiTransports.Answer;
import dev.gantry.local.ApiTransports.Call;
import dev.gantry.local.ApiTransports.Transport;
import dev.gantry.pipeline.StageListener;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import dev.gantry.testing.GitFixtures;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The HTTP API on DynamoDB Local and s3proxy, driven through both transports with one request
 * table: every case must get the same status and body from {@code gantry serve} and from the
 * Lambda handler.
 */
class HttpApiIT {
  static final Path REPOSITORY = SessionLifecycleIT.REPOSITORY;
  /** A folder under no root and holding no Gantry data, wherever the repository was cloned (its parent may hold both). */
  static final Path OUTSIDE_ROOTS = outsideRoots();

  static Path outsideRoots() {
    try {
      Path dir = java.nio.file.Files.createTempDirectory("gantry-outside-roots");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static final String TOKEN = "test-token-" + UUID.randomUUID();
  static final String SERVE_CALLER = "local:tester";

  @TempDir static Path data;
  static LocalGantry gantry;
  static Router router;
  static LocalApiServer server;
  static Transport serve;
  static Transport lambda;

  @BeforeAll
  static void start() {
    // gantry serve reads repository.path only under GANTRY_REPOSITORY_ROOTS, never in GANTRY_HOME (here a root too)
    gantry = new LocalGantry(Settings.fromEnvironment(Map.of("GANTRY_REPOSITORY_ROOTS", REPOSITORY + "," + data,
        "GANTRY_HOME", data.toString())), data, AgentCatalog.load(REPOSITORY.resolve("agents")), StageListener.NONE);
    router = gantry.api(PushRules.none(), WebhookSecrets.of("github-secret", null)).router();
    server = LocalApiServer.start(router, 0, TOKEN, SERVE_CALLER);
    serve = ApiTransports.serve(server, TOKEN, SERVE_CALLER);
    lambda = ApiTransports.lambda(router);
  }

  @AfterAll
  static void stop() {
    server.close();
    gantry.close();
  }

  static Stream<Transport> transports() {
    return Stream.of(serve, lambda);
  }

  /** One row of the request table. */
  record Row(String name, Call call, int status, String problemField, Consumer<Answer> check) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final String UNKNOWN_ID = "7b7d0c4e-0d5f-4a4e-9a53-8f6f3c7a2b10";

  static List<Row> table() {
    String repo = "\"repository\":{\"path\":\"" + REPOSITORY + "\"}";
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("health answers without a token", Call.get("/health").anonymous(), 200, null,
        a -> assertThat(a.json().path("status").asText()).isEqualTo("ok")));
    rows.add(new Row("unknown route", Call.get("/nope"), 404, null, a -> {}));
    rows.add(new Row("wrong method lists the allowed ones", new Call("DELETE", "/sessions", Map.of(), new byte[0], true), 405, null,
        a -> assertThat(a.header("Allow")).isEqualTo("POST, GET")));
    rows.add(new Row("no credentials", Call.get("/sessions").anonymous(), 401, "Authorization",
        a -> assertThat(a.header("WWW-Authenticate")).startsWith("Bearer")));
    rows.add(new Row("body over 256 KiB", Call.post("/sessions", "{\"goal\":\"" + "x".repeat(300 * 1024) + "\"}"), 413, null, a -> {}));
    rows.add(new Row("not JSON", Call.post("/sessions", "goal=x").header("Content-Type", "text/plain"), 415, "Content-Type", a -> {}));
    rows.add(new Row("malformed JSON", Call.post("/sessions", "{\"goal\":"), 400, null,
        a -> assertThat(a.json().path("type").asText()).endsWith("/malformed-body")));
    rows.add(new Row("a client cannot set the status", Call.post("/sessions", "{\"goal\":\"g\"," + repo + ",\"status\":\"SUCCEEDED\"}"),
        400, "status", a -> assertThat(a.json().path("detail").asText()).startsWith("unknown field 'status'")));
    rows.add(new Row("a number is not a goal", Call.post("/sessions", "{\"goal\":5," + repo + "}"), 400, "goal", a -> {}));
    rows.add(new Row("a blank goal", Call.post("/sessions", "{\"goal\":\"  \"," + repo + "}"), 400, "goal", a -> {}));
    rows.add(new Row("both path and url", Call.post("/sessions",
        "{\"goal\":\"g\",\"repository\":{\"path\":\"/tmp\",\"url\":\"https://github.com/o/r.git\"}}"), 400, "repository", a -> {}));
    rows.add(new Row("a repository.path outside GANTRY_REPOSITORY_ROOTS", Call.post("/sessions",
        "{\"goal\":\"g\",\"repository\":{\"path\":\"" + OUTSIDE_ROOTS + "\"}}"), 400, "repository.path",
        a -> assertThat(a.json().path("detail").asText()).contains("add its folder to GANTRY_REPOSITORY_ROOTS")));
    rows.add(new Row("a repository.path in GANTRY_HOME, even under a root", Call.post("/sessions",
        "{\"goal\":\"g\",\"repository\":{\"path\":\"" + data.resolve("s3") + "\"}}"), 400, "repository.path",
        a -> assertThat(a.json().path("detail").asText()).contains("lies inside Gantry's own data (GANTRY_HOME)")));
    rows.add(new Row("a URL with a token in it", Call.post("/sessions",
        "{\"goal\":\"g\",\"repository\":{\"url\":\"https://x:ghp_secret@github.com/o/r.git\"}}"), 400, "repository.url",
        a -> assertThat(a.text()).doesNotContain("ghp_secret")));
    rows.add(new Row("an unknown agent", Call.post("/sessions", "{\"goal\":\"g\"," + repo + ",\"agents\":{\"planner\":\"nobody\"}}"),
        400, "agents.planner", a -> {}));
    rows.add(new Row("a bad session id", Call.get("/sessions/not-a-uuid"), 400, "id", a -> {}));
    rows.add(new Row("an unknown session", Call.get("/sessions/" + UNKNOWN_ID), 404, null, a -> {}));
    rows.add(new Row("limit out of range", Call.get("/sessions?limit=500"), 400, "limit", a -> {}));
    rows.add(new Row("an unknown status", Call.get("/sessions?status=DONE"), 400, "status", a -> {}));
    rows.add(new Row("a forged cursor", Call.get("/sessions?cursor=eyJrZXkiOiJ2YWx1ZSJ9"), 400, "cursor", a -> {}));
    rows.add(new Row("a parameter twice", Call.get("/sessions?limit=1&limit=2"), 400, "limit", a -> {}));
    rows.add(new Row("an unknown parameter", Call.get("/sessions?sort=asc"), 400, "sort", a -> {}));
    rows.add(new Row("a decision that is neither", Call.post("/sessions/" + UNKNOWN_ID + "/approval",
        "{\"decision\":\"maybe\",\"digest\":\"" + "0".repeat(64) + "\"}"), 400, "decision", a -> {}));
    rows.add(new Row("approving an unknown session", Call.post("/sessions/" + UNKNOWN_ID + "/approval",
        "{\"decision\":\"approve\",\"digest\":\"" + "0".repeat(64) + "\"}"), 404, null, a -> {}));
    rows.add(new Row("an approver cannot be set", Call.post("/sessions/" + UNKNOWN_ID + "/approval",
        "{\"decision\":\"approve\",\"digest\":\"" + "0".repeat(64) + "\",\"approvedBy\":\"someone\"}"), 400, "approvedBy", a -> {}));
    rows.add(new Row("cancelling an unknown session", new Call("POST", "/sessions/" + UNKNOWN_ID + "/cancel", Map.of(), new byte[0], true),
        404, null, a -> {}));
    rows.add(new Row("the agents", Call.get("/agents"), 200, null, a -> assertThat(a.json().path("agents").findValuesAsText("name"))
        .contains("architect", "planner", "deployer", "reviewer")));
    rows.add(new Row("one agent with its prompt", Call.get("/agents/planner"), 200, null,
        a -> assertThat(a.json().path("prompt").asText()).isNotBlank()));
    rows.add(new Row("an unknown agent by name", Call.get("/agents/nobody"), 404, null, a -> {}));
    rows.add(new Row("an unsigned GitHub delivery", Call.post("/webhooks/github", "{}").anonymous()
        .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "d-1"), 401, null, a -> {}));
    rows.add(new Row("GitLab is not configured here", Call.post("/webhooks/gitlab", "{}").anonymous()
        .header("X-Gitlab-Token", "guess").header("X-Gitlab-Event", "Push Hook"), 401, null, a -> {}));
    return rows;
  }

  static Stream<Arguments> rowsOnBothTransports() {
    return table().stream().flatMap(row -> transports().map(t -> Arguments.of(t.name(), row)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rowsOnBothTransports")
  void each_row_gets_its_status_and_problem(String transport, Row row) {
    Answer answer = (transport.equals(serve.name()) ? serve : lambda).send(row.call());

    assertThat(answer.status()).as(answer.text()).isEqualTo(row.status());
    if (row.status() >= 400) {
      assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
      JsonNode problem = answer.json();
      assertThat(problem.path("status").asInt()).isEqualTo(row.status());
      assertThat(problem.path("type").asText()).startsWith("https://gantry.dev/problems/");
      assertThat(problem.path("title").asText()).isNotBlank();
      assertThat(problem.path("detail").asText()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
      assertThat(problem.path("field").asText(null)).isEqualTo(row.problemField());
    }
    row.check().accept(answer);
  }

  @Test
  void both_transports_give_the_same_body_for_every_row() {
    for (Row row : table()) {
      Answer fromServe = serve.send(row.call());
      Answer fromLambda = lambda.send(row.call());
      assertThat(fromLambda.status()).as(row.name()).isEqualTo(fromServe.status());
      assertThat(fromLambda.text()).as(row.name()).isEqualTo(fromServe.text());
    }
  }

  static String startBody(String goal) {
    return startBody(goal, "gantry-api-it");
  }

  static String startBody(String goal, String stack) {
    return "{\"goal\":\"" + goal + "\",\"repository\":{\"path\":\"" + REPOSITORY + "\"},\"stack\":\"" + stack + "\"}";
  }

  static JsonNode awaitStatus(Transport t, String id, Predicate<String> done) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode session = t.send(Call.get("/sessions/" + id)).json();
      if (done.test(session.path("status").asText()) || System.nanoTime() > deadline) {
        return session;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return session;
      }
    }
  }

  @Test
  void a_session_named_by_clone_url_shows_the_pinned_commit_and_its_snapshot(@org.junit.jupiter.api.io.TempDir Path work)
      throws Exception {
    String commit;
    try (org.eclipse.jgit.api.Git git = org.eclipse.jgit.api.Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      java.nio.file.Files.writeString(work.resolve("package.json"), "{\"name\": \"by-url\"}\n");
      commit = GitFixtures.commitAll(git, "one").name();
    }
    String url = work.toUri().toString();

    Answer started = serve.send(Call.post("/sessions",
        "{\"goal\": \"Serve a tiny API\", \"repository\": {\"url\": \"" + url + "\", \"ref\": \"main\"}}"));
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    JsonNode waiting = awaitStatus(serve, started.json().path("sessionId").asText(), s -> !s.equals("RUNNING"));

    assertThat(waiting.path("status").asText()).as(waiting.path("failure").asText()).isEqualTo("AWAITING_APPROVAL");
    JsonNode repository = waiting.path("repository");
    assertThat(repository.path("url").asText()).isEqualTo(url);
    assertThat(repository.path("ref").asText()).isEqualTo("refs/heads/main");
    assertThat(repository.path("commit").asText()).isEqualTo(commit);
    assertThat(repository.path("snapshot").path("fileCount").asInt()).isEqualTo(1);
    String snapshotDigest = repository.path("snapshot").path("sha256").asText();
    assertThat(waiting.path("documents")).anySatisfy(d -> {
      assertThat(d.path("name").asText()).isEqualTo("repository.tar.gz");
      assertThat(d.path("sha256").asText()).isEqualTo(snapshotDigest);
    });
    Answer withToken = serve.send(Call.post("/sessions",
        "{\"goal\": \"x\", \"repository\": {\"url\": \"https://ghp_secret@github.com/octo/app.git\"}}"));
    assertThat(withToken.status()).isEqualTo(400);
    assertThat(withToken.json().path("field").asText()).isEqualTo("repository.url");
    assertThat(withToken.text()).doesNotContain("ghp_secret");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void a_session_is_started_watched_approved_and_its_documents_read(Transport t) {
    // a stack of its own: after an earlier approved dry run of the same template, there would be nothing to change
    Answer started = t.send(Call.post("/sessions", startBody("Serve Gantry's session API on AWS",
        "gantry-api-it-" + java.util.UUID.randomUUID().toString().substring(0, 8))));
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String id = started.json().path("sessionId").asText();
    assertThat(started.header("Location")).isEqualTo("/sessions/" + id);

    JsonNode waiting = awaitStatus(t, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(waiting.path("stages").findValuesAsText("name")).containsExactly("checkout", "architect", "plan", "validate", "changeset", "approval");
    assertThat(waiting.path("stages").get(0).path("durationMillis").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(waiting.path("documents").findValuesAsText("name")).contains("architecture.md", "template.yaml", "validation.json");
    assertThat(waiting.path("findings").isArray()).isTrue();
    assertThat(waiting.has("approvalTaskToken")).isFalse();
    String digest = waiting.path("pendingApproval").path("digest").asText();
    assertThat(digest).hasSize(64);
    JsonNode changeSet = waiting.path("pendingApproval").path("changeSet");
    String changeSetDigest = changeSet.path("sha256").asText();
    assertThat(changeSetDigest).hasSize(64);
    assertThat(changeSet.path("mode").asText()).isEqualTo("dry-run");
    assertThat(changeSet.path("summary").path("adds").asInt()).isPositive();
    assertThat(changeSet.path("risks").findValuesAsText("kind")).contains("IAM_CHANGE", "CAPABILITIES");

    Answer stale = t.send(Call.post("/sessions/" + id + "/approval", "{\"decision\":\"approve\",\"digest\":\"" + "0".repeat(64)
        + "\",\"changeSetDigest\":\"" + changeSetDigest + "\"}"));
    assertThat(stale.status()).isEqualTo(409);
    Answer unnamed = t.send(Call.post("/sessions/" + id + "/approval", "{\"decision\":\"approve\",\"digest\":\"" + digest + "\"}"));
    assertThat(unnamed.status()).as("an approval that does not name the change set").isEqualTo(409);
    assertThat(unnamed.json().path("detail").asText()).contains("is not the change set awaiting approval");
    Answer approved = t.send(Call.post("/sessions/" + id + "/approval",
        "{\"decision\":\"approve\",\"digest\":\"" + digest + "\",\"changeSetDigest\":\"" + changeSetDigest
            + "\",\"comment\":\"looks right\"}"));
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    assertThat(approved.json().path("decision").path("actor").asText()).isEqualTo(t.callerId());
    assertThat(approved.json().path("decision").path("changeSetId").asText()).isEqualTo(changeSet.path("changeSetId").asText());

    JsonNode done = awaitStatus(t, id, s -> s.equals("SUCCEEDED") || s.equals("FAILED"));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(t.send(Call.post("/sessions/" + id + "/approval", "{\"decision\":\"approve\",\"digest\":\"" + digest + "\"}")).status())
        .isEqualTo(409);
    assertThat(t.send(new Call("POST", "/sessions/" + id + "/cancel", Map.of(), new byte[0], true)).status()).isEqualTo(409);

    JsonNode report = null;
    for (JsonNode d : done.path("documents")) {
      if (d.path("name").asText().equals("report.md")) {
        report = d;
      }
    }
    assertThat(report).isNotNull();
    Answer document = t.send(Call.get(report.path("link").asText()));
    assertThat(document.status()).isEqualTo(200);
    assertThat(document.header("Content-Type")).startsWith("text/markdown");
    assertThat(Sha256.hex(document.body())).isEqualTo(report.path("sha256").asText());
    assertThat(document.header("ETag")).isEqualTo("\"" + report.path("sha256").asText() + "\"");
    assertThat(t.send(Call.get("/sessions/" + id + "/documents/nothing.md")).status()).isEqualTo(404);

    JsonNode audit = t.send(Call.get("/sessions/" + id + "/audit")).json();
    assertThat(audit.path("chain").path("verified").asBoolean()).isTrue();
    assertThat(audit.path("chain").path("authenticated").asBoolean()).isTrue();
    assertThat(audit.path("chain").path("keyId").asText()).startsWith("local:");
    assertThat(audit.path("chain").path("anchoredThrough").asLong()).isEqualTo(audit.path("chain").path("entries").asLong());
    assertThat(audit.path("entries").get(0).path("mac").asText()).hasSize(44);
    List<String> actions = audit.path("entries").findValuesAsText("action");
    assertThat(actions.get(0)).isEqualTo("SessionCreated");
    assertThat(actions.get(actions.size() - 1)).isEqualTo("SessionSucceeded");
    for (JsonNode entry : audit.path("entries")) {
      if (List.of("SessionCreated", "ApprovalGranted").contains(entry.path("action").asText())) {
        assertThat(entry.path("actor").asText()).isEqualTo(t.callerId());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void an_idempotency_key_returns_the_first_session_and_refuses_another_request(Transport t) {
    String key = "key-" + UUID.randomUUID();
    Answer first = t.send(Call.post("/sessions", startBody("Idempotent start")).header("Idempotency-Key", key));
    Answer retry = t.send(Call.post("/sessions", startBody("Idempotent start")).header("Idempotency-Key", key));
    Answer other = t.send(Call.post("/sessions", startBody("Another goal")).header("Idempotency-Key", key));

    assertThat(first.status()).isEqualTo(202);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(retry.status()).isEqualTo(202);
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(retry.json().path("sessionId").asText()).isEqualTo(first.json().path("sessionId").asText());
    assertThat(other.status()).isEqualTo(422);
    assertThat(other.json().path("field").asText()).isEqualTo("Idempotency-Key");
    awaitStatus(t, first.json().path("sessionId").asText(), s -> !s.equals("RUNNING"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void a_waiting_session_is_cancelled_and_then_takes_no_decision(Transport t) {
    String id = t.send(Call.post("/sessions", startBody("Cancel me"))).json().path("sessionId").asText();
    JsonNode waiting = awaitStatus(t, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");

    Answer cancelled = t.send(Call.post("/sessions/" + id + "/cancel", "{\"reason\":\"wrong stack\"}"));
    assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
    assertThat(cancelled.json().path("status").asText()).isEqualTo("CANCELLED");
    assertThat(t.send(Call.post("/sessions/" + id + "/approval", "{\"decision\":\"approve\",\"digest\":\""
        + waiting.path("pendingApproval").path("digest").asText() + "\"}")).status()).isEqualTo(409);
    JsonNode audit = t.send(Call.get("/sessions/" + id + "/audit")).json();
    JsonNode last = audit.path("entries").get(audit.path("entries").size() - 1);
    assertThat(last.path("action").asText()).isEqualTo("SessionCancelled");
    assertThat(last.path("actor").asText()).isEqualTo(t.callerId());
    assertThat(last.path("details").path("reason").asText()).isEqualTo("wrong stack");
  }

  @Test
  void listing_pages_newest_first_with_opaque_cursors_and_filters_by_status() {
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String id = serve.send(Call.post("/sessions", startBody("List me " + i))).json().path("sessionId").asText();
      created.add(0, id);
      awaitStatus(serve, id, s -> !s.equals("RUNNING"));
    }
    List<String> paged = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page = serve.send(Call.get("/sessions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor))).json();
      assertThat(page.path("sessions").size()).isLessThanOrEqualTo(2);
      page.path("sessions").forEach(s -> paged.add(s.path("sessionId").asText()));
      cursor = page.path("nextCursor").asText(null);
    } while (cursor != null);

    assertThat(paged).doesNotHaveDuplicates();
    assertThat(paged.subList(0, 3)).containsExactlyElementsOf(created);
    JsonNode waiting = lambda.send(Call.get("/sessions?status=awaiting_approval&limit=100")).json();
    assertThat(waiting.path("sessions").findValuesAsText("status")).isNotEmpty().allMatch("AWAITING_APPROVAL"::equals);
    assertThat(waiting.path("sessions").findValuesAsText("sessionId")).containsAll(created);
    String otherCursor = serve.send(Call.get("/sessions?limit=1")).json().path("nextCursor").asText();
    assertThat(serve.send(Call.get("/sessions?status=FAILED&cursor=" + otherCursor)).status()).isEqualTo(400);
  }

  @Test
  void in_aws_a_decision_nobody_retries_is_delivered_by_the_scheduled_sweep() {
    String id = serve.send(Call.post("/sessions", startBody("Deliver my decision later"))).json().path("sessionId").asText();
    JsonNode waiting = awaitStatus(serve, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    var stored = gantry.stores().sessions().find(id).orElseThrow();
    String token = "token-" + id;
    gantry.stores().sessions().update(stored, stored.withApprovalTaskToken(token),
        new dev.gantry.session.AuditEvent("pipeline", "ApprovalRequested", Map.of("digest", stored.pendingDigest())));
    java.util.concurrent.atomic.AtomicBoolean reachable = new java.util.concurrent.atomic.AtomicBoolean(false);
    try (dev.gantry.testing.AwsWireStub stub = dev.gantry.testing.AwsWireStub.start(request -> reachable.get()
            ? dev.gantry.testing.AwsWireStub.Reply.json(200, "application/x-amz-json-1.0", "{}")
            : new dev.gantry.testing.AwsWireStub.Reply(400, Map.of("Content-Type", "application/x-amz-json-1.0",
                "x-amzn-ErrorType", "ThrottlingException"), "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"));
        software.amazon.awssdk.services.sfn.SfnClient sfn = dev.gantry.config.AwsClients.client(
            software.amazon.awssdk.services.sfn.SfnClient.builder(), "eu-west-1", dev.gantry.testing.AwsWireStub.CREDENTIALS,
            java.util.Optional.of(stub.endpoint()))) {
      dev.gantry.pipeline.StepFunctionsWorkflow stepFunctions = new dev.gantry.pipeline.StepFunctionsWorkflow(sfn,
          Map.of("deliver", "arn:aws:states:eu-west-1:123456789012:stateMachine:gantry-deliver"));
      Transport aws = ApiTransports.lambda(new GantryApi(gantry.runtime().sessions(), stepFunctions, gantry.stores().documents(),
          DocumentDelivery.streamed(gantry.stores().documents()), AgentCatalog.load(REPOSITORY.resolve("agents")),
          WebhookSecrets.of(null, null), PushRules.none(), push -> { }, s -> java.util.Optional.empty()).router());
      String approve = "{\"decision\":\"approve\",\"digest\":\"" + waiting.path("pendingApproval").path("digest").asText()
          + "\",\"changeSetDigest\":\"" + waiting.path("pendingApproval").path("changeSet").path("sha256").asText() + "\"}";
      assertThat(aws.send(Call.post("/sessions/" + id + "/approval", approve)).status()).isEqualTo(503);
      dev.gantry.pipeline.DecisionRedelivery sweep = new dev.gantry.pipeline.DecisionRedelivery(gantry.runtime().sessions(), stepFunctions);

      dev.gantry.pipeline.DecisionRedelivery.Sweep throttled = sweep.run();
      reachable.set(true);
      dev.gantry.pipeline.DecisionRedelivery.Sweep delivered = sweep.run();
      dev.gantry.pipeline.DecisionRedelivery.Sweep again = sweep.run();

      assertThat(throttled.unavailable()).as("still throttled: kept for the next sweep").isGreaterThanOrEqualTo(1);
      assertThat(delivered.delivered()).isGreaterThanOrEqualTo(1);
      assertThat(again.checked()).as("nothing left to deliver").isZero();
      assertThat(stub.received()).filteredOn(r -> "AWSStepFunctions.SendTaskSuccess".equals(r.header("X-Amz-Target")))
          .extracting(r -> dev.gantry.json.Json.tree(new String(r.body(), StandardCharsets.UTF_8)).path("taskToken").asText())
          .contains(token);
      assertThat(gantry.stores().sessions().find(id).orElseThrow().approvalTaskToken()).isNull();
      assertThat(gantry.runtime().sessions().audit(id).entries()).filteredOn(e -> e.action().equals("ApprovalDelivered"))
          .singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo(dev.gantry.pipeline.DecisionRedelivery.ACTOR));
    }
  }

  @Test
  void in_aws_a_decision_step_functions_did_not_take_is_kept_and_delivered_on_a_retry_or_a_read() throws Exception {
    String id = serve.send(Call.post("/sessions", startBody("Deliver my decision"))).json().path("sessionId").asText();
    JsonNode waiting = awaitStatus(serve, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    // as in AWS: the approval state stored its task token
    var stored = gantry.stores().sessions().find(id).orElseThrow();
    gantry.stores().sessions().update(stored, stored.withApprovalTaskToken("token-1"),
        new dev.gantry.session.AuditEvent("pipeline", "ApprovalRequested", Map.of("digest", stored.pendingDigest())));
    java.util.concurrent.atomic.AtomicInteger failuresLeft = new java.util.concurrent.atomic.AtomicInteger(2);
    List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
    dev.gantry.pipeline.SessionWorkflow stepFunctions = new dev.gantry.pipeline.SessionWorkflow() {
      @Override
      public void start(dev.gantry.session.Session session) { }

      @Override
      public void decided(dev.gantry.session.Session session) {
        if (failuresLeft.getAndDecrement() > 0) {
          // what StepFunctionsWorkflow throws when the SDK cannot reach Step Functions
          throw new dev.gantry.pipeline.WorkflowUnavailableException("Step Functions did not take the decision (SdkClientException)",
              software.amazon.awssdk.core.exception.SdkClientException.create("Unable to execute HTTP request: connect timed out"));
        }
        delivered.add(session.approvalTaskToken());
      }

      @Override
      public void cancelled(dev.gantry.session.Session session) { }
    };
    Transport aws = ApiTransports.lambda(new GantryApi(gantry.runtime().sessions(), stepFunctions, gantry.stores().documents(),
        DocumentDelivery.streamed(gantry.stores().documents()), AgentCatalog.load(REPOSITORY.resolve("agents")), WebhookSecrets.of(null, null),
        PushRules.none(), push -> { }, s -> java.util.Optional.empty()).router());
    String approve = "{\"decision\":\"approve\",\"digest\":\"" + waiting.path("pendingApproval").path("digest").asText()
        + "\",\"changeSetDigest\":\"" + waiting.path("pendingApproval").path("changeSet").path("sha256").asText() + "\"}";

    Answer first = aws.send(Call.post("/sessions/" + id + "/approval", approve));
    assertThat(first.status()).isEqualTo(503);
    assertThat(first.headers().keySet()).anyMatch(h -> h.equalsIgnoreCase("Retry-After"));
    assertThat(first.json().path("detail").asText()).contains("the decision is recorded");
    Answer retried = aws.send(Call.post("/sessions/" + id + "/approval", approve));
    assertThat(retried.status()).as("a retry of the same decision is taken, not refused").isEqualTo(503);
    Answer read = aws.send(Call.get("/sessions/" + id));

    assertThat(read.status()).isEqualTo(200);
    assertThat(delivered).containsExactly("token-1");
    assertThat(read.json().path("status").asText()).isEqualTo("RUNNING");
    var after = gantry.stores().sessions().find(id).orElseThrow();
    assertThat(after.approvalTaskToken()).isNull();
    assertThat(gantry.runtime().sessions().audit(id).entries()).extracting(e -> e.action())
        .containsSubsequence("ApprovalGranted", "ApprovalDelivered").filteredOn("ApprovalGranted"::equals).hasSize(1);
  }

  @Test
  void in_aws_a_document_is_a_redirect_to_a_presigned_s3_url() throws Exception {
    String id = serve.send(Call.post("/sessions", startBody("Presign my documents"))).json().path("sessionId").asText();
    JsonNode session = awaitStatus(serve, id, s -> !s.equals("RUNNING"));
    JsonNode template = session.path("documents").get(0);
    LocalStores stores = gantry.stores();
    try (S3Presigner presigner = S3Presigner.builder()
        .region(software.amazon.awssdk.regions.Region.US_EAST_1)
        .credentialsProvider(gantry.engines().credentials())
        .endpointOverride(gantry.engines().s3Endpoint())
        .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
        .build()) {
      Router aws = new GantryApi(gantry.runtime().sessions(), gantry.workflow(), stores.documents(),
          DocumentDelivery.presigned(() -> presigner, ((dev.gantry.document.S3DocumentStore) stores.documents()).bucket(), Duration.ofMinutes(5)),
          AgentCatalog.load(REPOSITORY.resolve("agents")), WebhookSecrets.of(null, null), PushRules.none(), push -> { },
          s -> java.util.Optional.of("https://console.example/" + s.sessionId())).router();

      Answer redirect = ApiTransports.lambda(aws).send(Call.get(template.path("link").asText()));

      assertThat(redirect.status()).isEqualTo(307);
      assertThat(redirect.header("Location")).contains("X-Amz-Signature=").contains("X-Amz-Expires=300");
      HttpResponse<byte[]> object = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(redirect.header("Location"))).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(object.statusCode()).isEqualTo(200);
      assertThat(Sha256.hex(object.body())).isEqualTo(template.path("sha256").asText());
      assertThat(ApiTransports.lambda(aws).send(Call.get("/sessions/" + id)).json().path("executionConsoleUrl").asText())
          .isEqualTo("https://console.example/" + id);
    }
  }

  /** Sends {@code raw} bytes on a new connection to {@code gantry serve} and returns what it answered. */
  static String raw(String raw, int readTimeoutMs) throws IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.uri().getPort())) {
      socket.setSoTimeout(readTimeoutMs);
      socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
      try {
        socket.getInputStream().transferTo(answer);
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // what arrived is the answer
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void malformed_requests_get_problem_json_without_java_class_names_never_a_500_or_an_html_page() throws IOException {
    for (String request : List.of(
        "GET /sessions\u0000x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /sessions/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET /sessions HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\nConnection: close\r\n\r\n",
        "BREW /sessions HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n")) {
      String answer = raw(request, 2_000);

      assertThat(answer).as(request).matches("(?s)HTTP/1.1 (4\\d\\d|505) .*").containsIgnoringCase("content-type: application/problem+json")
          .doesNotContain("<html").doesNotContain("Exception").doesNotContain("org.eclipse").doesNotContain("Jetty");
    }
  }

  @Test
  void a_body_shorter_than_its_length_is_answered_401_at_once_without_a_token() throws IOException {
    long started = System.nanoTime();
    String answer = raw("POST /sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n"
        + "Connection: close\r\n\r\n{\"goal\"", 3_000);

    assertThat(answer).startsWith("HTTP/1.1 401").contains("application/problem+json");
    assertThat((System.nanoTime() - started) / 1_000_000).as("answered before the body").isLessThan(3_000);
  }
}

package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.IamReaders;
import dev.gantry.api.Router;
import dev.gantry.config.Settings;
import dev.gantry.local.ApiTransports.Answer;
import dev.gantry.local.ApiTransports.Call;
import dev.gantry.local.ApiTransports.Transport;
import dev.gantry.pipeline.StageListener;
import dev.gantry.push.PushRules;
import dev.gantry.push.WebhookSecrets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Per-session access and separate permissions, the same on both transports: a principal sees the
 * sessions it started unless it holds the reader role; reading, starting and deciding need their
 * own scopes; the starter cannot approve its own session when separation of duties is on.
 */
class SessionAccessIT {
  static final Path REPOSITORY = SessionLifecycleIT.REPOSITORY;

  @TempDir static Path data;
  static LocalGantry gantry;
  static Router router;
  static LocalApiServer server;
  static final Map<String, String> TOKENS = Map.of(
      "ana", token(), "ben", token(), "carol", token(), "dave", token());

  static String token() {
    return UUID.randomUUID() + "-" + UUID.randomUUID();
  }

  /** One principal per role, on one transport. */
  record Principals(String transport, Transport owner, Transport stranger, Transport approver, Transport reader) {
    @Override
    public String toString() {
      return transport;
    }
  }

  @BeforeAll
  static void start() {
    gantry = new LocalGantry(Settings.fromEnvironment(Map.of("GANTRY_REPOSITORY_ROOTS", REPOSITORY.toString(),
        "GANTRY_HOME", data.toString(), "GANTRY_ALLOW_SELF_APPROVAL", "false")), data,
        AgentCatalog.load(REPOSITORY.resolve("agents")), StageListener.NONE);
    router = gantry.api(PushRules.none(), WebhookSecrets.of("github-secret", null)).router();
    String principals = """
        ana: {token: %s, scopes: [gantry/sessions.write, gantry/approvals]}
        ben: {token: %s, scopes: [gantry/sessions.read, gantry/sessions.write]}
        carol: {token: %s, scopes: [gantry/approvals]}
        dave: {token: %s, scopes: [gantry/sessions.read-all]}
        """.formatted(TOKENS.get("ana"), TOKENS.get("ben"), TOKENS.get("carol"), TOKENS.get("dave"));
    server = LocalApiServer.start(router, 0, ServePrincipals.parse(principals, "principals.yaml"),
        LocalApiServer.RateLimit.DEFAULT);
  }

  @AfterAll
  static void stop() {
    server.close();
    gantry.close();
  }

  static Transport serve(String name) {
    return ApiTransports.serve(server, TOKENS.get(name), "local:" + name);
  }

  static Stream<Arguments> principals() {
    return Stream.of(
        Arguments.of(new Principals("gantry serve", serve("ana"), serve("ben"), serve("carol"), serve("dave"))),
        Arguments.of(new Principals("Lambda behind a JWT authorizer",
            ApiTransports.lambdaJwt(router, "ana", List.of("gantry/sessions.write", "gantry/approvals")),
            ApiTransports.lambdaJwt(router, "ben", List.of("gantry/sessions.read", "gantry/sessions.write")),
            ApiTransports.lambdaJwt(router, "carol", List.of("gantry/approvals")),
            ApiTransports.lambdaJwt(router, "dave", List.of("gantry/sessions.read-all")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("principals")
  void each_principal_reaches_only_what_its_scopes_and_ownership_allow(Principals p) {
    String id = startAndAwaitApproval(p.owner());
    JsonNode waiting = p.owner().send(Call.get("/sessions/" + id)).json();
    String approval = approvalBody(waiting);

    // another principal with read and write: the session does not exist for it
    assertThat(p.stranger().send(Call.get("/sessions/" + id)).status()).isEqualTo(404);
    assertThat(p.stranger().send(Call.get("/sessions/" + id + "/audit")).status()).isEqualTo(404);
    assertThat(p.stranger().send(Call.get("/sessions/" + id + "/documents/template.yaml")).status()).isEqualTo(404);
    assertThat(p.stranger().send(Call.post("/sessions/" + id + "/cancel", "{}")).status()).isEqualTo(404);
    assertThat(p.stranger().send(Call.get("/sessions")).json().path("sessions").findValuesAsText("sessionId")).doesNotContain(id);
    Answer noScope = p.stranger().send(Call.post("/sessions/" + id + "/approval", approval));
    assertThat(noScope.status()).isEqualTo(403);
    assertThat(noScope.json().path("detail").asText()).contains("gantry/approvals");
    assertThat(noScope.header("WWW-Authenticate")).contains("insufficient_scope");

    // the reader role sees every session but may neither decide nor start nor cancel
    assertThat(p.reader().send(Call.get("/sessions/" + id)).status()).isEqualTo(200);
    assertThat(p.reader().send(Call.get("/sessions/" + id + "/audit")).status()).isEqualTo(200);
    assertThat(p.reader().send(Call.get("/sessions")).json().path("sessions").findValuesAsText("sessionId")).contains(id);
    assertThat(p.reader().send(Call.post("/sessions/" + id + "/approval", approval)).status()).isEqualTo(403);
    assertThat(p.reader().send(Call.post("/sessions", HttpApiIT.startBody("x"))).status()).isEqualTo(403);
    assertThat(p.reader().send(Call.post("/sessions/" + id + "/cancel", "{}")).status()).isEqualTo(403);

    // the owner (an approver too) lists its own session, and separation of duties keeps it from approving it
    assertThat(p.owner().send(Call.get("/sessions")).json().path("sessions").findValuesAsText("sessionId")).contains(id);
    Answer self = p.owner().send(Call.post("/sessions/" + id + "/approval", approval));
    assertThat(self.status()).isEqualTo(403);
    assertThat(self.json().path("detail").asText()).contains("cannot decide its approval");

    // every refusal changed nothing: the session still waits, with no decision
    JsonNode unchanged = p.owner().send(Call.get("/sessions/" + id)).json();
    assertThat(unchanged.path("status").asText()).isEqualTo("AWAITING_APPROVAL");
    assertThat(unchanged.path("version").asLong()).isEqualTo(waiting.path("version").asLong());

    // an approver decides, and the audit log names it as the transport identified it
    Answer approved = p.approver().send(Call.post("/sessions/" + id + "/approval", approval));
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    assertThat(approved.json().path("decision").path("actor").asText()).isEqualTo(p.approver().callerId());
    JsonNode audit = p.owner().send(Call.get("/sessions/" + id + "/audit")).json();
    assertThat(audit.path("entries")).anySatisfy(e -> {
      assertThat(e.path("action").asText()).isEqualTo("ApprovalGranted");
      assertThat(e.path("actor").asText()).isEqualTo(p.approver().callerId());
    });
  }

  @Test
  void with_iam_authorization_a_principal_sees_its_own_sessions_and_the_reader_role_sees_all() {
    IamReaders readers = IamReaders.parse("arn:aws:sts::123456789012:assumed-role/GantryApprovers/*");
    Transport ana = ApiTransports.lambdaIam(router, "arn:aws:iam::123456789012:user/ana", readers);
    Transport ben = ApiTransports.lambdaIam(router, "arn:aws:iam::123456789012:user/ben", readers);
    Transport approver = ApiTransports.lambdaIam(router, "arn:aws:sts::123456789012:assumed-role/GantryApprovers/carol", readers);
    String id = startAndAwaitApproval(ana);
    String approval = approvalBody(ana.send(Call.get("/sessions/" + id)).json());

    assertThat(ben.send(Call.get("/sessions/" + id)).status()).isEqualTo(404);
    assertThat(ben.send(Call.post("/sessions/" + id + "/approval", approval)).status()).isEqualTo(404);
    assertThat(ben.send(Call.post("/sessions/" + id + "/cancel", "{}")).status()).isEqualTo(404);
    assertThat(ben.send(Call.get("/sessions")).json().path("sessions").findValuesAsText("sessionId")).doesNotContain(id);
    assertThat(ana.send(Call.post("/sessions/" + id + "/approval", approval)).status()).isEqualTo(403);
    assertThat(approver.send(Call.get("/sessions")).json().path("sessions").findValuesAsText("sessionId")).contains(id);
    Answer readerCancels = approver.send(Call.post("/sessions/" + id + "/cancel", "{}"));
    assertThat(readerCancels.status()).as("the reader role sees others' sessions but does not cancel them").isEqualTo(403);

    Answer approved = approver.send(Call.post("/sessions/" + id + "/approval", approval));
    assertThat(approved.status()).as(approved.text()).isEqualTo(200);
    assertThat(approved.json().path("decision").path("actor").asText())
        .isEqualTo("iam:arn:aws:sts::123456789012:assumed-role/GantryApprovers/carol");
  }

  @Test
  void an_owners_listing_cursor_cannot_page_through_another_principals_sessions() {
    Transport ana = serve("ana");
    for (int i = 0; i < 2; i++) {
      assertThat(ana.send(Call.post("/sessions", HttpApiIT.startBody("page " + i))).status()).isEqualTo(202);
    }
    String cursor = ana.send(Call.get("/sessions?limit=1")).json().path("nextCursor").asText();
    assertThat(cursor).isNotEmpty();

    Answer borrowed = serve("ben").send(Call.get("/sessions?limit=1&cursor=" + cursor));

    assertThat(borrowed.status()).isEqualTo(400);
    assertThat(borrowed.json().path("field").asText()).isEqualTo("cursor");
  }

  private static String startAndAwaitApproval(Transport owner) {
    Answer started = owner.send(Call.post("/sessions", HttpApiIT.startBody("Serve a session API",
        "gantry-access-" + UUID.randomUUID().toString().substring(0, 8))));
    assertThat(started.status()).as(started.text()).isEqualTo(202);
    String id = started.json().path("sessionId").asText();
    JsonNode waiting = HttpApiIT.awaitStatus(owner, id, s -> !s.equals("RUNNING"));
    assertThat(waiting.path("status").asText()).as(waiting.path("failure").asText()).isEqualTo("AWAITING_APPROVAL");
    return id;
  }

  private static String approvalBody(JsonNode waiting) {
    return "{\"decision\":\"approve\",\"digest\":\"" + waiting.path("pendingApproval").path("digest").asText()
        + "\",\"changeSetDigest\":\"" + waiting.path("pendingApproval").path("changeSet").path("sha256").asText() + "\"}";
  }
}

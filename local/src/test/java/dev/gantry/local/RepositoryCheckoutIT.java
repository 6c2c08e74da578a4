package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.config.Settings;
import dev.gantry.document.DocumentRef;
import dev.gantry.handler.ApprovalRequestHandler;
import dev.gantry.handler.StageHandler;
import dev.gantry.hash.Sha256;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.SessionWorkflow;
import dev.gantry.pipeline.Stage;
import dev.gantry.push.PushRule;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.RepositoryPush;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionRequest;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.testing.GitFixtures;
import dev.gantry.testing.GitHttpServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions named by a clone URL, served by JGit's upload-pack over smart HTTP on loopback: the
 * checkout stage pins one commit, and every later stage reads that snapshot even when the branch
 * moves; the stage functions do the same when fed the state machine's payloads.
 */
class RepositoryCheckoutIT {
  static final String TOKEN = "git-token-" + UUID.randomUUID();

  @TempDir static Path data;
  @TempDir static Path served;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionService sessions;
  static Settings settings;
  static GitHttpServer server;
  static Git origin;
  static RevCommit first;

  @BeforeAll
  static void start() throws Exception {
    Path work = Files.createDirectories(served.resolve("orders-service"));
    origin = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call();
    Files.writeString(work.resolve("package.json"), "{\"name\": \"orders-service\", \"dependencies\": {\"express\": \"4.19.2\"}}\n");
    Files.createDirectories(work.resolve("src"));
    Files.writeString(work.resolve("src/app.js"), "const app = require('express')();\napp.get('/orders/:id', (req, res) => res.json({}));\n");
    first = commit("orders API");
    server = GitHttpServer.serve(served, Optional.of(TOKEN));
    settings = Settings.fromEnvironment(Map.of("GANTRY_GIT_TOKENS", "{\"127.0.0.1\": \"" + TOKEN + "\"}",
        "GANTRY_SCRATCH_DIR", data.resolve("scratch").toString()));
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, settings, Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), false);
  }

  @AfterAll
  static void stop() {
    stores.close();
    engines.close();
    server.close();
    origin.close();
  }

  static RevCommit commit(String message) throws Exception {
    return GitFixtures.commitAll(origin, message);
  }

  static Session startByUrl(String stack) {
    return sessions.start(new SessionRequest("Serve the orders API on AWS", null, server.url("orders-service"), "main", null,
        stack, null, Map.of(), "api", null, null), "tester").session();
  }

  static String document(Session session, String name) {
    DocumentRef ref = session.documents().get(name);
    return new String(stores.documents().get(ref.key()).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void a_url_session_pins_one_commit_and_later_stages_read_it_even_after_the_branch_moves() throws Exception {
    Stage realArchitect = TestPipelines.standardStages(settings, stores.documents()).get("architect");
    Stage moveBranchFirst = context -> {
      try {
        Path work = origin.getRepository().getWorkTree().toPath();
        Files.writeString(work.resolve("src/admin.js"), "app.delete('/admin/everything', () => {});\n");
        commit("pushed while the session runs");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return realArchitect.run(context);
    };
    try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(),
        Map.of("architect", moveBranchFirst), d -> { })) {
      Session waiting = executor.advance(startByUrl("url-stack"));

      assertThat(waiting.status()).as("failure: %s", waiting.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(waiting.checkout().commit()).isEqualTo(first.name());
      assertThat(waiting.checkout().ref()).isEqualTo("refs/heads/main");
      assertThat(waiting.checkout().fileCount()).isEqualTo(2);
      assertThat(document(waiting, "architecture.md")).contains("package.json", "GET /orders/{id}").doesNotContain("admin");
      DocumentRef snapshot = waiting.documents().get("repository.tar.gz");
      assertThat(Sha256.hex(stores.documents().get(snapshot.key()).orElseThrow())).isEqualTo(snapshot.sha256());
      AuditEntry checkedOut = sessions.audit(waiting.sessionId()).entries().stream()
          .filter(e -> "checkout".equals(e.details().get("stage")) && e.action().equals("StageSucceeded")).findFirst().orElseThrow();
      assertThat(checkedOut.details()).containsEntry("commit", first.name()).containsEntry("fileCount", "2")
          .containsEntry("document.repository.tar.gz", snapshot.sha256());
    }
  }

  @Test
  void a_ref_that_does_not_exist_fails_the_session_at_checkout_naming_the_branches() {
    try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(), d -> { })) {
      Session session = sessions.start(new SessionRequest("x", null, server.url("orders-service"), "mian", null, "typo-stack", null,
          Map.of(), "api", null, null), "tester").session();

      Session failed = executor.advance(session);

      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).isEqualTo("checkout: ref 'mian' not found in " + server.url("orders-service")
          + "; branches: main");
      assertThat(failed.documents()).isEmpty();
      assertThat(sessions.audit(failed.sessionId()).verification().valid()).isTrue();
    }
  }

  @Test
  void a_push_without_a_local_path_checks_out_exactly_the_pushed_commit() throws Exception {
    RevCommit pushed = origin.log().setMaxCount(1).call().iterator().next();
    List<Session> ran = new java.util.ArrayList<>();
    try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(), d -> { })) {
      SessionWorkflow runNow = new SessionWorkflow() {
        @Override public void start(Session session) { ran.add(executor.advance(session)); }
        @Override public void decided(Session session) { }
        @Override public void cancelled(Session session) { }
      };
      PushRules rules = new PushRules(List.of(new PushRule("octo-org/orders-service", List.of("main"), "pushed-stack", null, Map.of())));
      RepositoryPush push = new RepositoryPush("github", UUID.randomUUID().toString(), "octo-org/orders-service",
          server.url("orders-service"), "refs/heads/main", "0".repeat(40), pushed.name(), "mona", "main", "orders", 1);

      new PushSessionStarter(rules, sessions, runNow).deliver(push);

      assertThat(ran).singleElement().satisfies(session -> {
        assertThat(session.status()).as("failure: %s", session.failure()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
        assertThat(session.repository()).isEqualTo(server.url("orders-service"));
        assertThat(session.checkout().commit()).isEqualTo(pushed.name());
      });
    }
  }

  @Test
  void an_unreachable_host_is_retried_by_the_stage_policy_then_fails_the_session_at_checkout() {
    List<java.time.Duration> waits = new java.util.ArrayList<>();
    try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(), waits::add)) {
      Session session = sessions.start(new SessionRequest("x", null, "http://127.0.0.1:1/orders-service", null, null,
          "unreachable-stack", null, Map.of(), "api", null, null), "tester").session();

      Session failed = executor.advance(session);

      assertThat(failed.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(failed.failure()).startsWith("checkout: ").contains("connection refused");
      int retries = PipelineDefinition.standard().stage("checkout").retry().maxAttempts();
      assertThat(waits).hasSize(retries);
      assertThat(sessions.audit(failed.sessionId()).entries()).filteredOn(e -> e.action().equals("StageRetried")).hasSize(retries);
    }
  }

  @Test
  void the_stage_functions_fed_the_state_machine_payloads_carry_a_url_session_from_checkout_to_approval() throws IOException {
    try (PipelineExecutor executor = TestPipelines.executor(stores, settings, PipelineDefinition.standard(), Map.of(), d -> { })) {
      StageHandler stages = new StageHandler(executor);
      String tip = origin.getRepository().resolve("refs/heads/main").name();
      Session session = startByUrl("tasks-url-stack");

      for (String stage : List.of("checkout", "architect", "plan", "validate")) {
        assertThat(StateMachineTasksIT.invoke(stages, Map.of("sessionId", session.sessionId(), "stage", stage, "attempt", 1))
            .path("status").asText()).as(stage).isEqualTo("RUNNING");
      }
      StateMachineTasksIT.invoke(new ApprovalRequestHandler(executor.recorder(), s -> { }), Map.of("sessionId", session.sessionId(), "taskToken", "t"));

      Session waiting = sessions.get(session.sessionId());
      assertThat(waiting.status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(waiting.checkout().commit()).isEqualTo(tip);
      assertThat(document(waiting, "architecture.md")).contains("GET /orders/{id}");
    }
  }
}

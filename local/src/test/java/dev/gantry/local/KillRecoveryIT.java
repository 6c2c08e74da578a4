package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.config.EnvironmentVariables;
import dev.gantry.config.Settings;
import dev.gantry.pipeline.SessionRecovery;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.testing.CloudFormationStub;
import dev.gantry.testing.GitFixtures;
import dev.gantry.testing.GitHttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the gantry command at several points, each in a child JVM killed with {@link
 * Process#destroyForcibly}, then the next command on the same {@code GANTRY_HOME}: no session stays
 * RUNNING, a session stopped in a stage that is safe to run again resumes from there, one stopped
 * while executing its change set ends FAILED "interrupted", and a recorded approval is never lost.
 * The children stop deterministically because what they wait on is served here and held: a Git
 * server during checkout, a model endpoint during an agent stage, CloudFormation's ExecuteChangeSet
 * during deploy.
 */
class KillRecoveryIT {
  static final Path REPOSITORY = TestPipelines.REPOSITORY;
  static final String ROLE = CloudFormationSessionIT.ROLE;
  static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path home;
  @TempDir Path served;
  GitHttpServer git;
  CloudFormationStub cloudFormation;
  HttpServer model;
  final AtomicInteger modelCalls = new AtomicInteger();
  final CountDownLatch modelReleased = new CountDownLatch(1);

  @BeforeEach
  void serve() throws Exception {
    Path work = Files.createDirectories(served.resolve("orders-service"));
    try (Git origin = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("package.json"), "{\"name\": \"orders-service\"}\n");
      GitFixtures.commitAll(origin, "orders API");
    }
    git = GitHttpServer.serve(served, Optional.empty());
    cloudFormation = CloudFormationStub.start();
    cloudFormation.changeSetPolls(0);
    cloudFormation.stackPolls(0);
    model = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    model.setExecutor(Executors.newCachedThreadPool());
    model.createContext("/", exchange -> { // a model that never answers
      modelCalls.incrementAndGet();
      try {
        modelReleased.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    model.start();
  }

  @AfterEach
  void stop() {
    modelReleased.countDown();
    model.stop(0);
    cloudFormation.close();
    git.close();
  }

  /** The environment of every child: this test's GANTRY_HOME and 2-second leases. */
  Map<String, String> environment(Map<String, String> more) {
    Map<String, String> environment = new HashMap<>(more);
    environment.put(EnvironmentVariables.GANTRY_HOME, home.toString());
    environment.put(EnvironmentVariables.LEASE_SECONDS, "2");
    return environment;
  }

  ChildJvm gantry(Map<String, String> more, String... args) {
    return ChildJvm.start(GantryCommand.class, environment(more), args);
  }

  /**
   * Starts {@code gantry run ...}, waits until {@code stalled} counts a held call, kills it; returns
   * the session id and adds what the run printed to {@code printed}.
   */
  String killedDuring(IntSupplier stalled, List<String> printed, Map<String, String> more, String... args) throws Exception {
    try (ChildJvm run = gantry(more, args)) {
      String line = run.awaitLine(l -> OWN_SESSION.matcher(l).lookingAt(), WAIT);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (stalled.getAsInt() == 0) {
        assertThat(System.nanoTime()).as("the child never reached the held call:\n%s", run.output()).isLessThan(deadline);
        assertThat(run.lines()).as("the child ended first").noneMatch(l -> l.startsWith("documents:"));
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
      }
      run.kill();
      printed.addAll(run.lines());
      return line.split(" ")[1];
    }
  }

  /** The line {@code gantry run} prints once its own session is stored. */
  static final java.util.regex.Pattern OWN_SESSION = java.util.regex.Pattern.compile("session [0-9a-f-]{36} on ");

  @Test
  void sessions_killed_mid_stage_are_resumed_or_failed_by_the_next_run_or_serve_and_an_approval_survives_a_killed_approve()
      throws Exception {
    // GIVEN a run killed as kill -9 does in the architect's model call
    String inArchitect = killedDuring(modelCalls::get, new ArrayList<>(), Map.of(),
        "run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS",
        "--model", "openai-compatible", "--endpoint", "http://127.0.0.1:" + model.getAddress().getPort() + "/v1", "--model-id", "stub");

    // WHEN the next run starts (itself killed in checkout, its Git server not answering)
    git.stalling();
    List<String> printed = new ArrayList<>();
    String inCheckout = killedDuring(git::requests, printed, Map.of(),
        "run", "--repo", git.url("orders-service"), "--ref", "main", "--goal", "Serve the orders API on AWS");
    // THEN it first resumed the session killed in architect, where it stopped, to the approval gate
    assertThat(printed).contains(
        "recovered session " + inArchitect + ": its process stopped; resuming at architect",
        "session " + inArchitect + ": AWAITING_APPROVAL");

    // AND WHEN the next run (one deploying with CloudFormation, killed executing its change set) starts
    git.answering();
    cloudFormation.hold("ExecuteChangeSet");
    printed.clear();
    String inDeploy = killedDuring(cloudFormation::held, printed, Map.of(
            EnvironmentVariables.AWS_REGION, "us-east-1", "AWS_ACCESS_KEY_ID", "akid", "AWS_SECRET_ACCESS_KEY", "secret",
            EnvironmentVariables.CLOUDFORMATION_ENDPOINT, cloudFormation.endpoint().toString(),
            EnvironmentVariables.DEPLOY_ROLE_ARN, ROLE),
        "run", "--repo", REPOSITORY.toString(), "--goal", "Serve Gantry's session API on AWS", "--stack", "gantry-killed",
        "--deploy", "cloudformation", "--approve");
    // THEN it first resumed the session killed in checkout
    assertThat(printed).contains(
        "recovered session " + inCheckout + ": its process stopped; resuming at checkout",
        "session " + inCheckout + ": AWAITING_APPROVAL");

    // AND GIVEN gantry approve killed as soon as it recorded its decision, in the continuation
    try (ChildJvm approve = gantry(Map.of(), "approve", inArchitect)) {
      approve.awaitLine(l -> l.contains("approval   APPROVED"), WAIT);
      approve.kill();
    }
    // WHEN gantry serve starts
    String token = UUID.randomUUID().toString();
    try (ChildJvm serve = gantry(Map.of(EnvironmentVariables.API_TOKEN, token), "serve", "--port", "0")) {
      String api = serve.awaitLine(l -> l.startsWith("gantry serve: API on "), WAIT).substring("gantry serve: API on ".length())
          .split(" ")[0];
      // THEN it recovers both in the background: neither stays RUNNING
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.nanoTime() + WAIT.toNanos();
      for (String id : List.of(inArchitect, inDeploy)) {
        String body;
        do {
          assertThat(System.nanoTime()).as("%s still RUNNING under gantry serve:\n%s", id, serve.output()).isLessThan(deadline);
          body = http.send(HttpRequest.newBuilder(URI.create(api + "/sessions/" + id))
              .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).body();
        } while (body.contains("\"status\":\"RUNNING\""));
      }
      serve.kill();
    }

    try (Stores stores = new Stores(home)) {
      assertThat(stores.running()).isEmpty();
      // the run killed in checkout: resumed at checkout, waiting for approval
      assertThat(stores.session(inCheckout).status()).isEqualTo(SessionStatus.AWAITING_APPROVAL);
      assertThat(stores.entry(inCheckout, "SessionResumed").details()).containsEntry("stage", "checkout")
          .hasEntrySatisfying("previousOwner", owner -> assertThat(owner).startsWith("local:"));
      // the run killed executing its change set: FAILED "interrupted", its approval kept, the change set never run again
      Session deploy = stores.session(inDeploy);
      assertThat(deploy.status()).isEqualTo(SessionStatus.FAILED);
      assertThat(deploy.failure()).isEqualTo("deploy: " + SessionRecovery.REASON);
      assertThat(stores.entry(inDeploy, "ApprovalGranted")).isNotNull();
      assertThat(stores.entry(inDeploy, "SessionFailed").details())
          .containsEntry("stage", "deploy").containsEntry("error", SessionRecovery.ERROR);
      assertThat(cloudFormation.held()).isEqualTo(1);
      // the run killed in architect, then approved by a killed gantry approve: resumed, its decision kept; killed
      // before or after deploy it runs to the end, killed in deploy it is not deployed twice but FAILED "interrupted"
      Session approved = stores.session(inArchitect);
      assertThat(stores.entries(inArchitect, "SessionResumed")).extracting(e -> e.details().get("stage"))
          .startsWith("architect"); // and again after the approval, if the kill came before the continuation's first stage
      assertThat(stores.entry(inArchitect, "ApprovalGranted")).isNotNull();
      assertThat(approved.status() == SessionStatus.SUCCEEDED
          || ("deploy: " + SessionRecovery.REASON).equals(approved.failure())).as(approved.status() + " " + approved.failure()).isTrue();
      List.of(inCheckout, inArchitect, inDeploy).forEach(id -> assertThat(stores.chainVerified(id)).as(id).isTrue());
    }
  }

  /** The stores of a GANTRY_HOME, opened after the children stopped. */
  static final class Stores implements AutoCloseable {
    final OfflineStack stack;
    final LocalStores stores;
    final SessionService sessions;

    Stores(Path home) {
      stack = new OfflineStack(home, Settings.fromEnvironment(Map.of()));
      stores = stack.stores;
      sessions = stack.sessions;
    }

    Session session(String id) {
      return sessions.get(id);
    }

    List<Session> running() {
      return stores.sessions().list(SessionStatus.RUNNING, 100, null).sessions();
    }

    /** The session's audit entries of {@code action}, in order. */
    List<AuditEntry> entries(String id, String action) {
      return stores.sessions().auditLog(id).stream().filter(e -> e.action().equals(action)).toList();
    }

    /** The session's last audit entry of {@code action}, or null. */
    AuditEntry entry(String id, String action) {
      List<AuditEntry> all = entries(id, action);
      return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    boolean chainVerified(String id) {
      return sessions.audit(id).verification().valid();
    }

    @Override
    public void close() {
      stack.close();
    }
  }
}

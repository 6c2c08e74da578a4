package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.Settings;
import dev.gantry.document.DocumentRef;
import dev.gantry.model.TokenUsage;
import dev.gantry.session.AuditChain;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.DecisionRefusedException;
import dev.gantry.session.Session;
import dev.gantry.session.SessionConflictException;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStatus;
import dev.gantry.session.SessionStore;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DynamoDB session store against DynamoDB Local, through the real DynamoDbClient. */
class SessionStoreIT {
  @TempDir static Path data;
  static EmbeddedEngines engines;
  static LocalStores stores;
  static SessionStore store;
  static SessionService service;

  @BeforeAll
  static void startEngines() {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, Settings.fromEnvironment(Map.of()), Clock.systemUTC());
    store = stores.sessions();
    service = new SessionService(store, Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
  }

  @AfterAll
  static void stopEngines() {
    stores.close();
    engines.close();
  }

  private Session newSession() {
    return store.create(
        Session.start(UUID.randomUUID().toString(), "goal", "/repo", "stack", Instant.now()),
        new AuditEvent("tester", "SessionCreated", Map.of("goal", "goal")));
  }

  /** A session stored as waiting at the approval gate for {@code digest}. */
  private Session awaitingApproval(String digest) {
    Session s = newSession();
    StageRecord gate = new StageRecord("approval", StageStatus.WAITING, Instant.now(), null, 1, TokenUsage.ZERO, "waiting", List.of());
    return store.update(s, s.withStage(gate).withPendingDigest(digest).withStatus(SessionStatus.AWAITING_APPROVAL),
        new AuditEvent("pipeline", "ApprovalRequested", Map.of("digest", digest)));
  }

  @Test
  void a_stored_session_reads_back_whole_with_version_and_audit_head() {
    Session created = newSession();
    DocumentRef doc = new DocumentRef("plan.md", "sessions/x/plan.md", 12, "ab".repeat(32), "text/markdown");
    Session updated = store.update(created,
        created.withResults(Map.of("plan.md", doc), new TokenUsage(10, 20)),
        new AuditEvent("pipeline", "StageSucceeded", Map.of("stage", "plan")));

    Session read = store.find(created.sessionId()).orElseThrow();

    assertThat(read).isEqualTo(updated);
    assertThat(read.version()).isEqualTo(2);
    assertThat(read.documents()).containsEntry("plan.md", doc);
    assertThat(read.auditSeq()).isEqualTo(2);
    assertThat(store.auditLog(created.sessionId())).extracting(e -> e.action())
        .containsExactly("SessionCreated", "StageSucceeded");
  }

  @Test
  void a_field_cleared_in_an_update_is_removed_from_the_stored_item() {
    Session created = newSession();
    Session withFailure = store.update(created, created.withFailure("plan: broke").withPendingDigest("a".repeat(64)),
        new AuditEvent("pipeline", "StageFailed", Map.of()));

    Session cleared = store.update(withFailure, withFailure.withFailure(null),
        new AuditEvent("pipeline", "Cleared", Map.of()));

    Session read = store.find(created.sessionId()).orElseThrow();
    assertThat(read).isEqualTo(cleared);
    assertThat(read.failure()).isNull();
    assertThat(read.pendingDigest()).isEqualTo("a".repeat(64));
    var item = stores.dynamoDb().getItem(b -> b.tableName(Settings.fromEnvironment(Map.of()).sessionsTable())
        .key(Map.of("sessionId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(created.sessionId())))).item();
    assertThat(item).doesNotContainKey("failure").containsKey("pendingDigest");
  }

  @Test
  void creating_an_existing_id_is_a_conflict() {
    Session created = newSession();

    assertThatThrownBy(() -> store.create(
            Session.start(created.sessionId(), "other", "/repo", "stack", Instant.now()),
            new AuditEvent("tester", "SessionCreated", Map.of())))
        .isInstanceOf(SessionConflictException.class);
    assertThat(store.find(created.sessionId()).orElseThrow().goal()).isEqualTo("goal");
    assertThat(store.auditLog(created.sessionId())).hasSize(1);
  }

  @Test
  void an_update_from_a_stale_version_is_refused_and_changes_nothing() {
    Session created = newSession();
    store.update(created, created.withStatus(SessionStatus.FAILED), new AuditEvent("a", "First", Map.of()));

    assertThatThrownBy(() ->
            store.update(created, created.withStatus(SessionStatus.CANCELLED), new AuditEvent("b", "Second", Map.of())))
        .isInstanceOf(SessionConflictException.class);

    Session read = store.find(created.sessionId()).orElseThrow();
    assertThat(read.status()).isEqualTo(SessionStatus.FAILED);
    assertThat(read.version()).isEqualTo(2);
    assertThat(store.auditLog(created.sessionId())).extracting(e -> e.action()).containsExactly("SessionCreated", "First");
  }

  @Test
  void twenty_concurrent_decisions_record_exactly_one() throws Exception {
    String digest = "c".repeat(64);
    Session waiting = awaitingApproval(digest);
    ExecutorService pool = Executors.newFixedThreadPool(20);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> outcomes = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      boolean approve = i % 2 == 0;
      String actor = "approver-" + i;
      Callable<String> decide = () -> {
        start.await();
        try {
          service.decide(waiting.sessionId(), approve, digest, null, actor, approve ? null : "no");
          return "won";
        } catch (DecisionRefusedException e) {
          return "refused";
        }
      };
      outcomes.add(pool.submit(decide));
    }
    start.countDown();
    List<String> results = new ArrayList<>();
    for (Future<String> f : outcomes) {
      results.add(f.get());
    }
    pool.shutdown();

    assertThat(results).filteredOn("won"::equals).hasSize(1);
    assertThat(results).filteredOn("refused"::equals).hasSize(19);
    var log = service.audit(waiting.sessionId());
    assertThat(log.entries()).extracting(e -> e.action())
        .filteredOn(a -> a.startsWith("Approval") && !a.equals("ApprovalRequested")).hasSize(1);
    assertThat(log.verification()).isEqualTo(
        new AuditChain.Verification(true, 3, null, true, stores.auditMac().keyId(), 3, null));
  }

  @Test
  void with_separation_of_duties_the_principal_that_started_a_session_cannot_decide_it_and_another_can() {
    SessionService separated = service.withSelfApproval(false);
    Session started = separated.start(new dev.gantry.session.SessionRequest("goal", null, "https://github.com/o/r.git", null,
        null, null, null, Map.of(), "api", null, null), "arn:aws:iam::123456789012:user/alice").session();
    String digest = "d".repeat(64);
    StageRecord gate = new StageRecord("approval", StageStatus.WAITING, Instant.now(), null, 1, TokenUsage.ZERO, "waiting", List.of());
    Session waiting = store.update(started, started.withStage(gate).withPendingDigest(digest).withStatus(SessionStatus.AWAITING_APPROVAL),
        new AuditEvent("pipeline", "ApprovalRequested", Map.of("digest", digest)));

    assertThatThrownBy(() -> separated.decide(waiting.sessionId(), true, digest, null, "arn:aws:iam::123456789012:user/alice", null))
        .isInstanceOf(dev.gantry.session.SelfApprovalRefusedException.class)
        .hasMessageContaining("started session " + waiting.sessionId() + " and cannot decide its approval");
    assertThat(store.find(waiting.sessionId()).orElseThrow()).isEqualTo(waiting);

    Session decided = separated.decide(waiting.sessionId(), true, digest, null, "arn:aws:iam::123456789012:user/bob", null);
    assertThat(decided.decision().actor()).isEqualTo("arn:aws:iam::123456789012:user/bob");
    assertThat(store.auditLog(waiting.sessionId()).get(store.auditLog(waiting.sessionId()).size() - 1).actor())
        .isEqualTo("arn:aws:iam::123456789012:user/bob");
  }

  @Test
  void a_decision_for_another_digest_or_a_second_decision_is_refused_and_changes_nothing() {
    String digest = "d".repeat(64);
    Session waiting = awaitingApproval(digest);

    assertThatThrownBy(() -> service.decide(waiting.sessionId(), true, "e".repeat(64), null, "alice", null))
        .isInstanceOf(DecisionRefusedException.class)
        .hasMessageContaining("is not the template awaiting approval");
    assertThat(store.find(waiting.sessionId()).orElseThrow()).isEqualTo(waiting);

    service.decide(waiting.sessionId(), false, digest, null, "alice", "too broad");
    assertThatThrownBy(() -> service.decide(waiting.sessionId(), true, digest, null, "bob", null))
        .isInstanceOf(DecisionRefusedException.class)
        .hasMessageContaining("is REJECTED, not awaiting approval");
    Session decided = store.find(waiting.sessionId()).orElseThrow();
    assertThat(decided.status()).isEqualTo(SessionStatus.REJECTED);
    assertThat(decided.decision().actor()).isEqualTo("alice");
    assertThat(store.auditLog(waiting.sessionId()).get(2).details()).containsEntry("comment", "too broad");
  }

  @Test
  void a_sessions_table_from_an_earlier_gantry_gets_the_listing_indexes_and_its_sessions_are_listed() {
    var dynamoDb = stores.dynamoDb();
    String table = "old-sessions-" + UUID.randomUUID();
    dynamoDb.createTable(b -> b.tableName(table)
        .billingMode(software.amazon.awssdk.services.dynamodb.model.BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
            .attributeName("sessionId").attributeType("S").build())
        .keySchema(k -> k.attributeName("sessionId").keyType("HASH")));
    String id = UUID.randomUUID().toString();
    dynamoDb.putItem(b -> b.tableName(table).item(Map.of(
        "sessionId", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(id),
        "status", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("SUCCEEDED"),
        "version", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("7"),
        "goal", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("stored before listing indexes"),
        "createdAt", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("2026-11-20T10:00:00Z"),
        "updatedAt", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("2026-11-20T10:05:00Z"),
        "auditSeq", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromN("9"),
        "auditHash", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("0".repeat(64)))));

    LocalStores.addListingIndexes(dynamoDb, table);
    var old = new dev.gantry.session.DynamoDbSessionStore(dynamoDb, table, "unused", Clock.systemUTC(),
        stores.auditMac(), stores.auditAnchors(), java.util.Optional.empty());

    assertThat(old.list(null, 10, null).sessions()).extracting(Session::sessionId).containsExactly(id);
    assertThat(old.list(SessionStatus.SUCCEEDED, 10, null).sessions()).extracting(Session::goal)
        .containsExactly("stored before listing indexes");
    assertThat(old.list(SessionStatus.RUNNING, 10, null).sessions()).isEmpty();
  }
}

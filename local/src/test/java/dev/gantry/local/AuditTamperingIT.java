package dev.gantry.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.config.Settings;
import dev.gantry.json.Json;
import dev.gantry.session.AuditAnchors;
import dev.gantry.session.AuditChain;
import dev.gantry.session.AuditEntry;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.AuditKeyUnavailableException;
import dev.gantry.session.AuditMac;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStore;
import dev.gantry.session.SessionTables;
import dev.gantry.session.keyfile.HmacAuditMac;
import dev.gantry.session.s3.S3AuditAnchors;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Audit tampering against DynamoDB Local and the local S3 server, by someone with write access to
 * the tables (PutItem, DeleteItem, UpdateItem without conditions) but not to the anchors: rewriting
 * entries with recomputed hashes and moving the session's head, and truncating the tail and moving
 * the head. Before audit MACs and anchors every one of these verified ("chain verified").
 */
class AuditTamperingIT {
  static final Settings SETTINGS = Settings.fromEnvironment(Map.of());
  @TempDir static Path data;
  static OfflineStack stack;
  static LocalStores stores;
  static SessionStore store;
  static SessionService service;

  @BeforeAll
  static void startEngines() {
    stack = new OfflineStack(data, SETTINGS);
    stores = stack.stores;
    store = stores.sessions();
    service = stack.sessions;
  }

  @AfterAll
  static void stopEngines() {
    stack.close();
  }

  /** A session with {@code entries} audit entries written the honest way. */
  private static Session sessionWith(int entries) {
    Session s = store.create(Session.start(UUID.randomUUID().toString(), "goal", "/repo", "stack", Instant.now()),
        new AuditEvent("tester", "SessionCreated", Map.of("goal", "goal")));
    for (int i = 2; i <= entries; i++) {
      s = store.update(s, s.withFailure("step " + i), new AuditEvent("pipeline", "StageSucceeded", Map.of("stage", "s" + i)));
    }
    return s;
  }

  /** Overwrites an audit item as a table writer can (no condition). */
  private static void putEntry(AuditEntry entry) {
    stores.dynamoDb().putItem(b -> b.tableName(SETTINGS.auditTable()).item(EnhancedDocument.fromJson(Json.write(entry)).toMap()));
  }

  /** Moves the head recorded on the session item. */
  private static void moveHead(String sessionId, long seq, String hash) {
    stores.dynamoDb().updateItem(b -> b.tableName(SETTINGS.sessionsTable())
        .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(sessionId)))
        .updateExpression("SET auditSeq = :s, auditHash = :h")
        .expressionAttributeValues(Map.of(":s", AttributeValue.fromN(Long.toString(seq)), ":h", AttributeValue.fromS(hash))));
  }

  /**
   * Rewrites entries {@code from}.. with other details and recomputed hashes, MACs by {@code key}
   * (null: the MAC is dropped), and moves the session's head to the forged last entry.
   */
  private static void rewrite(String sessionId, int from, AuditMac key) {
    List<AuditEntry> log = store.auditLog(sessionId);
    AuditEntry prev = log.get(from - 2);
    for (AuditEntry original : log.subList(from - 1, log.size())) {
      AuditEntry forged = AuditEntry.next(sessionId, prev.seq(), prev.hash(), original.at(),
          new AuditEvent("intruder", original.action(), Map.of("stage", "forged")));
      forged = key == null ? forged : forged.withMac(key.mac(forged.macMessage()));
      putEntry(forged);
      prev = forged;
    }
    moveHead(sessionId, prev.seq(), prev.hash());
  }

  /** Deletes entries {@code from}.. and moves the session's head to the entry before them. */
  private static void truncate(String sessionId, int from) {
    List<AuditEntry> log = store.auditLog(sessionId);
    for (AuditEntry gone : log.subList(from - 1, log.size())) {
      stores.dynamoDb().deleteItem(b -> b.tableName(SETTINGS.auditTable()).key(Map.of(
          SessionTables.SESSION_ID, AttributeValue.fromS(sessionId), SessionTables.SEQ, AttributeValue.fromN(Long.toString(gone.seq())))));
    }
    AuditEntry last = log.get(from - 2);
    moveHead(sessionId, last.seq(), last.hash());
  }

  @Test
  void an_honest_log_verifies_with_its_mac_key_and_every_entry_anchored() {
    Session s = sessionWith(5);

    AuditChain.Verification v = service.audit(s.sessionId()).verification();

    assertThat(v).isEqualTo(new AuditChain.Verification(true, 5, null, true, "local:" + data.resolve("audit-mac.key"), 5, null));
    assertThat(v.summary()).isEqualTo("chain verified, MACs verified (key local:" + data.resolve("audit-mac.key")
        + "), anchored through entry 5");
    assertThat(store.auditLog(s.sessionId())).allSatisfy(e -> assertThat(e.mac()).hasSize(44));
  }

  @Test
  void a_hundred_random_rewrites_and_a_hundred_random_truncations_are_all_detected() {
    Random random = new Random(15);
    AuditMac stolenKey = stores.auditMac(); // a writer who can use the key but cannot delete anchors
    AuditMac otherKey = new HmacAuditMac(new byte[32], "attacker");
    List<String> undetected = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      int entries = 2 + random.nextInt(4);
      Session s = sessionWith(entries);
      if (i % 10 == 0) { // each write costs ~40 ms on DynamoDB Local: check a sample of the honest logs
        assertThat(service.audit(s.sessionId()).verification().valid()).as("honest log %d", i).isTrue();
      }
      int from = 2 + random.nextInt(entries - 1);
      int how = random.nextInt(3);
      rewrite(s.sessionId(), from, how == 0 ? stolenKey : how == 1 ? otherKey : null);

      AuditChain.Verification v = service.audit(s.sessionId()).verification();
      if (v.valid()) {
        undetected.add("rewrite of " + s.sessionId() + " from entry " + from);
      } else {
        assertThat(v.problem()).contains(how == 0 ? "anchor: entry " + from + " differs from its anchor" : "MAC: entry " + from);
      }
    }
    for (int i = 0; i < 100; i++) {
      int entries = 2 + random.nextInt(4);
      Session s = sessionWith(entries);
      int from = 2 + random.nextInt(entries - 1);
      truncate(s.sessionId(), from);

      AuditChain.Verification v = service.audit(s.sessionId()).verification();
      if (v.valid()) {
        undetected.add("truncation of " + s.sessionId() + " from entry " + from);
      } else {
        assertThat(v.problem()).isEqualTo("truncation: the log ends at entry " + (from - 1) + " but entry " + from
            + " is anchored: " + (from == entries ? "entry " + from + " was" : "entries " + from + ".." + entries + " were")
            + " removed");
      }
    }
    assertThat(undetected).isEmpty();
  }

  @Test
  void a_rewrite_by_a_key_holder_who_cannot_delete_anchors_is_named_by_the_anchor() {
    Session s = sessionWith(4);

    rewrite(s.sessionId(), 3, stores.auditMac());

    AuditChain.Verification v = service.audit(s.sessionId()).verification();
    assertThat(v.valid()).isFalse();
    assertThat(v.authenticated()).isTrue();
    assertThat(v.anchoredThrough()).isEqualTo(2);
    assertThat(v.problem()).startsWith("anchor: entry 3 differs from its anchor").contains("anchor: entry 4 differs");
  }

  @Test
  void entries_whose_anchor_was_never_written_are_reported_as_not_anchored() {
    Session s = sessionWith(3);
    List<AuditEntry> log = store.auditLog(s.sessionId());
    // as if the process had died between the transaction and the anchor: remove the last two anchors
    // (the owner of the local S3 server can; in AWS no Gantry role may)
    for (AuditEntry e : log.subList(1, 3)) {
      stores.s3().deleteObject(b -> b.bucket(LocalStores.ANCHORS_BUCKET).key(S3AuditAnchors.key(s.sessionId(), e.seq(), e.hash())));
    }

    AuditChain.Verification v = service.audit(s.sessionId()).verification();

    assertThat(v.valid()).isTrue();
    assertThat(v.anchoredThrough()).isEqualTo(1);
    assertThat(v.note()).isEqualTo("entries 2..3 are not anchored: written but not anchored (e.g. a crash between the two writes)");
  }

  @Test
  void the_local_s3_server_refuses_to_replace_an_anchor_and_a_repeated_anchor_is_a_no_op() {
    Session s = sessionWith(1);
    AuditEntry first = store.auditLog(s.sessionId()).get(0);
    String key = S3AuditAnchors.key(s.sessionId(), 1, first.hash());

    assertThatThrownBy(() -> stores.s3().putObject(b -> b.bucket(LocalStores.ANCHORS_BUCKET).key(key).ifNoneMatch("*"),
        RequestBody.fromString("replaced")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    stores.auditAnchors().anchor(s.sessionId(), 1, first.hash());

    assertThat(stores.auditAnchors().anchors(s.sessionId())).containsExactly(new AuditAnchors.Anchor(1, first.hash()));
    assertThat(stores.s3().headObject(b -> b.bucket(LocalStores.ANCHORS_BUCKET).key(key)).contentLength()).isZero();
  }

  @Test
  void an_anchor_that_cannot_be_written_leaves_the_change_committed_and_the_entry_noted_as_not_anchored() {
    DynamoDbSessionStore unanchored = new DynamoDbSessionStore(stores.dynamoDb(), SETTINGS.sessionsTable(), SETTINGS.auditTable(),
        Clock.systemUTC(), stores.auditMac(), new AuditAnchors() {
          @Override
          public void anchor(String sessionId, long seq, String hash) {
            if (seq > 1) {
              throw new IllegalStateException("S3 unreachable");
            }
            stores.auditAnchors().anchor(sessionId, seq, hash);
          }

          @Override
          public List<Anchor> anchors(String sessionId) {
            return stores.auditAnchors().anchors(sessionId);
          }
        }, Optional.empty());
    Session s = unanchored.create(Session.start(UUID.randomUUID().toString(), "goal", "/repo", "stack", Instant.now()),
        new AuditEvent("tester", "SessionCreated", Map.of()));

    Session updated = unanchored.update(s, s.withFailure("x"), new AuditEvent("pipeline", "StageFailed", Map.of()));

    assertThat(store.find(s.sessionId())).contains(updated);
    AuditChain.Verification v = service.audit(s.sessionId()).verification();
    assertThat(v.valid()).isTrue();
    assertThat(v.note()).isEqualTo("entry 2 is not anchored: written but not anchored (e.g. a crash between the two writes)");
  }

  @Test
  void when_the_mac_key_cannot_be_used_nothing_is_written() {
    AuditMac unavailable = new AuditMac() {
      @Override
      public String keyId() {
        return "unavailable";
      }

      @Override
      public String mac(String message) {
        throw new AuditKeyUnavailableException("KMS GenerateMac with key unavailable failed: SdkClientException", null);
      }

      @Override
      public boolean verify(String message, String mac) {
        throw new AuditKeyUnavailableException("KMS VerifyMac with key unavailable failed: SdkClientException", null);
      }
    };
    DynamoDbSessionStore keyless = new DynamoDbSessionStore(stores.dynamoDb(), SETTINGS.sessionsTable(), SETTINGS.auditTable(),
        Clock.systemUTC(), unavailable, stores.auditAnchors(), Optional.empty());
    String id = UUID.randomUUID().toString();

    assertThatThrownBy(() -> keyless.create(Session.start(id, "goal", "/repo", "stack", Instant.now()),
        new AuditEvent("tester", "SessionCreated", Map.of()))).isInstanceOf(AuditKeyUnavailableException.class);

    assertThat(store.find(id)).isEmpty();
    assertThat(store.auditLog(id)).isEmpty();
    assertThat(stores.auditAnchors().anchors(id)).isEmpty();
  }
}

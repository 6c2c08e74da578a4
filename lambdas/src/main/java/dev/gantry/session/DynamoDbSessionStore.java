package dev.gantry.session;

import dev.gantry.json.Json;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.enhanced.dynamodb.document.EnhancedDocument;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Sessions and audit entries in two DynamoDB tables, through the AWS SDK v2 {@link
 * DynamoDbClient}.
 *
 * <p>Every change is one {@code TransactWriteItems} call holding an {@code Update} of the session
 * conditioned on its expected {@code status} and {@code version}, and a {@code Put} of the audit
 * entry conditioned on {@code attribute_not_exists(sessionId)} (append-only). A lost condition
 * becomes a {@link SessionConflictException}. The run's {@link Lease} is written apart, by
 * single conditional {@code UpdateItem} calls on the lease owner, with no version bump or audit
 * entry; a versioned update never sets it and removes it when the session stops running. Items are the session's JSON converted to native
 * DynamoDB attributes by the enhanced client's {@link EnhancedDocument}. Source: Amazon DynamoDB
 * API reference, TransactWriteItems and "Condition expressions".
 *
 * <p>Each audit entry carries a MAC by the {@link AuditMac} key, computed before the transaction;
 * after the transaction succeeds the new head is anchored in {@link AuditAnchors}. An anchor that
 * cannot be written does not undo the committed change: it is logged, and verification reports the
 * entries after the last anchor as not anchored until a later change anchors a later entry (whose
 * hash chains over them).
 */
public final class DynamoDbSessionStore implements SessionStore {
  private static final Logger LOG = LoggerFactory.getLogger(DynamoDbSessionStore.class);
  private final DynamoDbClient dynamoDb;
  private final String sessionsTable;
  private final String auditTable;
  private final Clock clock;
  private final Optional<Duration> retention;
  private final AuditMac mac;
  private final AuditAnchors anchors;

  /**
   * @param dynamoDb a client built once
   * @param sessionsTable the sessions table name
   * @param auditTable the audit table name
   * @param clock the time source for {@code updatedAt} and audit entries
   * @param mac the key every audit entry is authenticated with
   * @param anchors where each new audit head is anchored
   * @param retention how long a session item is kept after the session ends: its {@value
   *     SessionTables#EXPIRES_AT} attribute (epoch seconds, the table's TTL attribute; DynamoDB
   *     developer guide, "Time to Live") is set to the end plus this. Audit entries are kept.
   */
  public DynamoDbSessionStore(DynamoDbClient dynamoDb, String sessionsTable, String auditTable, Clock clock,
      AuditMac mac, AuditAnchors anchors, Optional<Duration> retention) {
    this.dynamoDb = dynamoDb;
    this.mac = mac;
    this.anchors = anchors;
    this.sessionsTable = sessionsTable;
    this.auditTable = auditTable;
    this.clock = clock;
    this.retention = retention;
  }

  @Override
  public Session create(Session session, AuditEvent event) {
    AuditEntry entry =
        AuditEntry.next(session.sessionId(), 0, AuditEntry.GENESIS_HASH, clock.instant(), event);
    Session stored = session.stored(entry.seq(), entry.hash(), entry.at());
    Put put =
        Put.builder()
            .tableName(sessionsTable)
            .item(toItem(stored))
            .conditionExpression("attribute_not_exists(#id)")
            .expressionAttributeNames(Map.of("#id", SessionTables.SESSION_ID))
            .build();
    write(TransactWriteItem.builder().put(put).build(), entry, "session " + session.sessionId() + " exists");
    return stored;
  }

  @Override
  public Session update(Session current, Session next, AuditEvent event) {
    AuditEntry entry =
        AuditEntry.next(
            current.sessionId(), current.auditSeq(), current.auditHash(), clock.instant(), event);
    Session stored = next.rebasedOn(current).stored(entry.seq(), entry.hash(), entry.at());
    Map<String, AttributeValue> item = toItem(stored);
    Map<String, String> names = new HashMap<>();
    Map<String, AttributeValue> values = new HashMap<>();
    List<String> sets = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      if (attribute.getKey().equals(SessionTables.SESSION_ID)) {
        continue;
      }
      names.put("#a" + i, attribute.getKey());
      values.put(":a" + i, attribute.getValue());
      sets.add("#a" + i + " = :a" + i);
      i++;
    }
    // An attribute the stored item has and the new one lacks (a cleared optional field) is removed.
    List<String> removes = new ArrayList<>();
    for (String previous : toItem(current).keySet()) {
      if (!item.containsKey(previous)) {
        names.put("#r" + removes.size(), previous);
        removes.add("#r" + removes.size());
      }
    }
    if (stored.status() != SessionStatus.RUNNING) {
      // a session that stops running (waits for a decision, ends) has no run to lease; while it
      // stays RUNNING the lease is neither set nor removed here, so renewals are never clobbered
      names.put("#lease", SessionTables.LEASE);
      removes.add("#lease");
    }
    names.put("#status", "status");
    names.put("#version", "version");
    values.put(":expectedStatus", AttributeValue.fromS(current.status().name()));
    values.put(":expectedVersion", AttributeValue.fromN(Long.toString(current.version())));
    String expression =
        "SET " + String.join(", ", sets) + (removes.isEmpty() ? "" : " REMOVE " + String.join(", ", removes));
    Update update =
        Update.builder()
            .tableName(sessionsTable)
            .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(current.sessionId())))
            .updateExpression(expression)
            .conditionExpression("#status = :expectedStatus AND #version = :expectedVersion")
            .expressionAttributeNames(names)
            .expressionAttributeValues(values)
            .build();
    write(
        TransactWriteItem.builder().update(update).build(),
        entry,
        "session " + current.sessionId() + " is no longer " + current.status() + " at version "
            + current.version());
    return stored;
  }

  private void write(TransactWriteItem sessionWrite, AuditEntry unsigned, String conflictMessage) {
    AuditEntry entry = unsigned.withMac(mac.mac(unsigned.macMessage()));
    Put auditPut =
        Put.builder()
            .tableName(auditTable)
            .item(EnhancedDocument.fromJson(Json.write(entry)).toMap())
            .conditionExpression("attribute_not_exists(#id)")
            .expressionAttributeNames(Map.of("#id", SessionTables.SESSION_ID))
            .build();
    try {
      dynamoDb.transactWriteItems(
          b -> b.transactItems(sessionWrite, TransactWriteItem.builder().put(auditPut).build()));
    } catch (TransactionCanceledException e) {
      boolean conditionFailed =
          e.cancellationReasons().stream()
              .map(CancellationReason::code)
              .anyMatch("ConditionalCheckFailed"::equals);
      if (conditionFailed) {
        throw new SessionConflictException(conflictMessage);
      }
      throw e;
    }
    try {
      anchors.anchor(entry.sessionId(), entry.seq(), entry.hash());
    } catch (RuntimeException e) {
      LOG.warn("audit entry {} of session {} is written but not anchored: {}", entry.seq(), entry.sessionId(), e.toString());
    }
  }

  @Override
  public Optional<Session> find(String sessionId) {
    Map<String, AttributeValue> item =
        dynamoDb
            .getItem(
                b ->
                    b.tableName(sessionsTable)
                        .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(sessionId)))
                        .consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
  }

  /**
   * {@inheritDoc}
   *
   * <p>All sessions come from {@value SessionTables#BY_CREATED}, one status from {@value
   * SessionTables#BY_STATUS}, one owner's from {@value SessionTables#BY_OWNER} (with a status, as a
   * filter expression: such a page may hold fewer than {@code limit} sessions and still have a next
   * cursor, as DynamoDB applies {@code Limit} before the filter).
   */
  @Override
  public SessionPage list(SessionStatus status, String owner, int limit, String cursor) {
    String index = owner != null ? SessionTables.BY_OWNER : status == null ? SessionTables.BY_CREATED : SessionTables.BY_STATUS;
    String partitionKey = owner != null ? SessionTables.OWNER : status == null ? SessionTables.LIST_PARTITION : SessionTables.STATUS;
    String partition = owner != null ? owner : status == null ? SessionTables.LIST_PARTITION_VALUE : status.name();
    Map<String, String> names = new HashMap<>(Map.of("#p", partitionKey));
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":p", AttributeValue.fromS(partition)));
    QueryRequest.Builder request =
        QueryRequest.builder()
            .tableName(sessionsTable)
            .indexName(index)
            .keyConditionExpression("#p = :p")
            .scanIndexForward(false)
            .limit(limit);
    if (owner != null && status != null) {
      names.put("#s", SessionTables.STATUS);
      values.put(":s", AttributeValue.fromS(status.name()));
      request.filterExpression("#s = :s");
    }
    request.expressionAttributeNames(names).expressionAttributeValues(values);
    // the cursor names the listing it continues: an owner's cursor cannot page through another's
    String listing = owner == null ? partition : "owner:" + owner + (status == null ? "" : "/" + status.name());
    if (cursor != null) {
      String after = ListingCursor.decode(cursor, listing);
      request.exclusiveStartKey(
          Map.of(
              SessionTables.SESSION_ID, AttributeValue.fromS(after.substring(after.indexOf('#') + 1)),
              partitionKey, AttributeValue.fromS(partition),
              SessionTables.CREATED_ORDER, AttributeValue.fromS(after)));
    }
    QueryResponse page = dynamoDb.query(request.build());
    List<Session> sessions = page.items().stream().map(DynamoDbSessionStore::fromItem).toList();
    Optional<String> next =
        page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
            ? Optional.of(ListingCursor.encode(listing, page.lastEvaluatedKey().get(SessionTables.CREATED_ORDER).s()))
            : Optional.empty();
    return new SessionPage(sessions, next);
  }

  @Override
  public List<AuditEntry> auditLog(String sessionId) {
    List<AuditEntry> entries = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      QueryRequest.Builder request =
          QueryRequest.builder()
              .tableName(auditTable)
              .keyConditionExpression("#id = :id")
              .expressionAttributeNames(Map.of("#id", SessionTables.SESSION_ID))
              .expressionAttributeValues(Map.of(":id", AttributeValue.fromS(sessionId)))
              .consistentRead(true);
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      QueryResponse page = dynamoDb.query(request.build());
      page.items()
          .forEach(
              item ->
                  entries.add(
                      Json.read(
                          EnhancedDocument.fromAttributeValueMap(item).toJson(), AuditEntry.class)));
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return entries;
  }

  @Override
  public AuditChain.Verification verifyAudit(Session session, List<AuditEntry> entries) {
    return AuditChain.verify(entries, session.auditSeq(), session.auditHash(), mac, anchors.anchors(session.sessionId()));
  }

  @Override
  public Optional<Lease> lease(String sessionId) {
    Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(sessionsTable)
        .key(key(sessionId))
        .projectionExpression("#lease")
        .expressionAttributeNames(Map.of("#lease", SessionTables.LEASE))
        .consistentRead(true)).item();
    return item == null ? Optional.empty() : lease(item);
  }

  private static Optional<Lease> lease(Map<String, AttributeValue> item) {
    AttributeValue value = item.get(SessionTables.LEASE);
    if (value == null || !value.hasM()) {
      return Optional.empty();
    }
    Map<String, AttributeValue> m = value.m();
    return Optional.of(new Lease(m.get(LEASE_OWNER).s(), java.time.Instant.ofEpochMilli(Long.parseLong(m.get(LEASE_EXPIRES).n()))));
  }

  @Override
  public void takeLease(Session current, Lease observed, Lease lease) {
    Map<String, String> names = new HashMap<>(LEASE_NAMES);
    names.put("#status", SessionTables.STATUS);
    names.put("#version", "version");
    Map<String, AttributeValue> values = new HashMap<>();
    values.put(":lease", AttributeValue.fromM(Map.of(LEASE_OWNER, AttributeValue.fromS(lease.owner()),
        LEASE_EXPIRES, millis(lease.expiresAt()))));
    values.put(":owner", AttributeValue.fromS(lease.owner()));
    values.put(":now", millis(clock.instant()));
    values.put(":running", AttributeValue.fromS(SessionStatus.RUNNING.name()));
    values.put(":version", AttributeValue.fromN(Long.toString(current.version())));
    if (observed != null) {
      values.put(":seenOwner", AttributeValue.fromS(observed.owner()));
      values.put(":seenExpires", millis(observed.expiresAt()));
    }
    String takeOver = observed == null ? "" : " OR (#lease.#owner = :seenOwner AND #lease.#expires = :seenExpires)";
    try {
      dynamoDb.updateItem(b -> b.tableName(sessionsTable)
          .key(key(current.sessionId()))
          .updateExpression("SET #lease = :lease")
          .conditionExpression("#status = :running AND #version = :version AND (attribute_not_exists(#lease)"
              + " OR #lease.#owner = :owner OR #lease.#expires <= :now" + takeOver + ")")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values));
    } catch (ConditionalCheckFailedException e) {
      throw new SessionConflictException("session " + current.sessionId() + " is no longer RUNNING at version "
          + current.version() + " with a lease " + lease.owner() + " may take");
    }
  }

  @Override
  public boolean renewLease(String sessionId, Lease lease) {
    return updateOwnLease(sessionId, lease.owner(), "SET #lease.#expires = :expires",
        Map.of(":expires", millis(lease.expiresAt())));
  }

  @Override
  public void releaseLease(String sessionId, String owner) {
    updateOwnLease(sessionId, owner, "REMOVE #lease", Map.of()); // false: another owner's, or none: nothing of ours
  }

  /** Applies {@code updateExpression} to the session item if {@code owner} holds its lease; false when not. */
  private boolean updateOwnLease(String sessionId, String owner, String updateExpression, Map<String, AttributeValue> more) {
    Map<String, AttributeValue> values = new HashMap<>(more);
    values.put(":owner", AttributeValue.fromS(owner));
    Map<String, String> names = new HashMap<>(LEASE_NAMES);
    if (!updateExpression.contains("#expires")) {
      names.remove("#expires"); // DynamoDB refuses names an expression does not use
    }
    try {
      dynamoDb.updateItem(b -> b.tableName(sessionsTable)
          .key(key(sessionId))
          .updateExpression(updateExpression)
          .conditionExpression("#lease.#owner = :owner")
          .expressionAttributeNames(names)
          .expressionAttributeValues(values));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static final String LEASE_OWNER = "owner";
  private static final String LEASE_EXPIRES = "expiresAt";
  private static final Map<String, String> LEASE_NAMES =
      Map.of("#lease", SessionTables.LEASE, "#owner", LEASE_OWNER, "#expires", LEASE_EXPIRES);

  private static AttributeValue millis(java.time.Instant instant) {
    return AttributeValue.fromN(Long.toString(instant.toEpochMilli()));
  }

  /**
   * Maps {@code sample} to its item and back, as a write and a read do, without a request: priming
   * builds the document conversion and Jackson's session (de)serializers before the first request.
   *
   * @return the session read back from its item
   */
  public Session primeMapping(Session sample) {
    return fromItem(toItem(sample));
  }

  private static Map<String, AttributeValue> key(String sessionId) {
    return Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(sessionId));
  }

  /** The session's JSON as native attributes, plus the two listing-index keys. */
  private Map<String, AttributeValue> toItem(Session session) {
    Map<String, AttributeValue> item = new HashMap<>(EnhancedDocument.fromJson(Json.write(session)).toMap());
    item.put(SessionTables.LIST_PARTITION, AttributeValue.fromS(SessionTables.LIST_PARTITION_VALUE));
    item.put(SessionTables.CREATED_ORDER, AttributeValue.fromS(SessionTables.createdOrder(session.createdAt(), session.sessionId())));
    if (session.origin() != null && session.origin().actor() != null) {
      item.put(SessionTables.OWNER, AttributeValue.fromS(session.origin().actor()));
    }
    if (session.status().terminal() && retention.isPresent()) {
      long expires = session.updatedAt().plus(retention.get()).getEpochSecond();
      item.put(SessionTables.EXPIRES_AT, AttributeValue.fromN(Long.toString(expires)));
    }
    return item;
  }

  private static Session fromItem(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> fields = new HashMap<>(item);
    fields.remove(SessionTables.LIST_PARTITION);
    fields.remove(SessionTables.CREATED_ORDER);
    fields.remove(SessionTables.OWNER);
    fields.remove(SessionTables.EXPIRES_AT);
    fields.remove(SessionTables.LEASE); // read through lease(id), never part of the session's value
    return Json.read(EnhancedDocument.fromAttributeValueMap(fields).toJson(), Session.class);
  }
}

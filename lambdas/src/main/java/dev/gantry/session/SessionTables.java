package dev.gantry.session;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Key schema of the sessions and audit tables, shared by the store, the local table set-up and
 * (later) the CDK stack. Sessions: partition key {@code sessionId} (S), and two global secondary
 * indexes for listing newest first: {@value #BY_CREATED} (partition {@value #LIST_PARTITION}, one
 * value for every session; sort {@value #CREATED_ORDER}) and {@value #BY_STATUS} (partition {@code
 * status}; sort {@value #CREATED_ORDER}), and {@value #BY_OWNER} (partition {@value #OWNER}, the
 * principal that started the session; sort {@value #CREATED_ORDER}) for a caller who may see only
 * its own sessions. Audit: partition key {@code sessionId} (S), sort key
 * {@code seq} (N).
 */
public final class SessionTables {
  /** Partition key of both tables. */
  public static final String SESSION_ID = "sessionId";
  /** Sort key of the audit table. */
  public static final String SEQ = "seq";
  /** Session status attribute, partition key of {@value #BY_STATUS}. */
  public static final String STATUS = "status";
  /** Partition key of {@value #BY_CREATED}: {@value #LIST_PARTITION_VALUE} on every session. */
  public static final String LIST_PARTITION = "listPartition";
  /** The one value of {@value #LIST_PARTITION}. */
  public static final String LIST_PARTITION_VALUE = "session";
  /** Sort key of both indexes: fixed-width UTC creation time, {@code #}, session id. */
  public static final String CREATED_ORDER = "createdOrder";
  /** TTL attribute of the sessions table: epoch seconds after which DynamoDB may delete a finished session. */
  public static final String EXPIRES_AT = "expiresAt";
  /**
   * The run's lease on a RUNNING session ({@link Lease}): a map {@code {owner: S, expiresAt: N}},
   * written only by the lease operations of {@link SessionStore}, never by a versioned update.
   */
  public static final String LEASE = "lease";
  /** Index of all sessions by creation time. */
  public static final String BY_CREATED = "byCreated";
  /** Index of sessions by status, then creation time. */
  public static final String BY_STATUS = "byStatus";
  /** The principal that started a session (its origin's actor), partition key of {@value #BY_OWNER}. */
  public static final String OWNER = "owner";
  /** Index of sessions by the principal that started them, then creation time. */
  public static final String BY_OWNER = "byOwner";

  /** Every listing index: its name and partition key, sorted by {@value #CREATED_ORDER}. */
  public static final java.util.Map<String, String> LISTING_INDEXES =
      java.util.Map.of(BY_CREATED, LIST_PARTITION, BY_STATUS, STATUS, BY_OWNER, OWNER);

  private SessionTables() {}

  /** CreateTable request for the sessions table (on-demand) with its listing indexes. */
  public static CreateTableRequest sessionsTable(String name) {
    return CreateTableRequest.builder()
        .tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(SESSION_ID, ScalarAttributeType.S),
            attribute(LIST_PARTITION, ScalarAttributeType.S),
            attribute(STATUS, ScalarAttributeType.S),
            attribute(CREATED_ORDER, ScalarAttributeType.S),
            attribute(OWNER, ScalarAttributeType.S))
        .keySchema(key(SESSION_ID, KeyType.HASH))
        .globalSecondaryIndexes(LISTING_INDEXES.entrySet().stream().map(i -> listingIndex(i.getKey(), i.getValue())).toList())
        .build();
  }

  /** A listing index: partition {@code partitionKey}, sort {@value #CREATED_ORDER}, all attributes projected. */
  public static GlobalSecondaryIndex listingIndex(String indexName, String partitionKey) {
    return GlobalSecondaryIndex.builder()
        .indexName(indexName)
        .keySchema(key(partitionKey, KeyType.HASH), key(CREATED_ORDER, KeyType.RANGE))
        .projection(Projection.builder().projectionType(ProjectionType.ALL).build())
        .build();
  }

  /** The {@value #CREATED_ORDER} value of a session: sorts by creation time, then id. */
  public static String createdOrder(Instant createdAt, String sessionId) {
    return CREATED_ORDER_FORMAT.format(createdAt) + "#" + sessionId;
  }

  private static final DateTimeFormatter CREATED_ORDER_FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  /** CreateTable request for the audit table (on-demand). */
  public static CreateTableRequest auditTable(String name) {
    return CreateTableRequest.builder()
        .tableName(name)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(
            attribute(SESSION_ID, ScalarAttributeType.S), attribute(SEQ, ScalarAttributeType.N))
        .keySchema(key(SESSION_ID, KeyType.HASH), key(SEQ, KeyType.RANGE))
        .build();
  }

  private static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  private static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }
}

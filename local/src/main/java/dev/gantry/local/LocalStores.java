package dev.gantry.local;

import dev.gantry.config.AwsClients;
import dev.gantry.config.Settings;
import dev.gantry.document.DocumentStore;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.session.AuditAnchors;
import dev.gantry.session.AuditMac;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.keyfile.LocalAuditKey;
import dev.gantry.session.s3.S3AuditAnchors;
import dev.gantry.session.SessionTables;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * The production stores pointed at the embedded engines: creates the sessions and audit tables and
 * the documents and anchors buckets when missing (in AWS the CDK stack creates them). A command
 * that does not start the S3 server ({@code gantry sessions}) gets stores that throw if used.
 *
 * <p>Audit entries are authenticated with the key file {@code GANTRY_HOME/}{@value
 * LocalAuditKey#FILE_NAME} (owner-only) and anchored in the local S3 server's bucket {@value
 * #ANCHORS_BUCKET}, a bucket of its own as in AWS (where its policy differs from the documents
 * bucket's). On one machine both live under {@code GANTRY_HOME}, so they protect against a change
 * made through DynamoDB alone (a tool, a bug, a restored table), not against the machine's owner.
 */
public final class LocalStores implements AutoCloseable {
  /** The local S3 server's bucket of audit anchors. */
  public static final String ANCHORS_BUCKET = "gantry-audit-anchors";

  private final DynamoDbClient dynamoDb;
  private final S3Client s3;
  private final DynamoDbSessionStore sessions;
  private final DocumentStore documents;
  private final AuditMac auditMac;
  private final AuditAnchors auditAnchors;

  private final Settings settings;

  /**
   * Builds SDK clients for {@code engines} and makes sure the tables and buckets of the engines
   * started exist (creating them on a first run).
   */
  public LocalStores(EmbeddedEngines engines, Settings settings, Clock clock) {
    this(engines, settings, clock, true);
  }

  /**
   * Builds SDK clients for the engines started; with {@code createMissing} false, the tables and
   * buckets are left to {@link #createMissing()}, so a caller can build the stores (and whatever it
   * builds on them) while the engines are still starting. Stores on an engine not started throw
   * {@link IllegalStateException} when used.
   */
  LocalStores(EmbeddedEngines engines, Settings settings, Clock clock, boolean createMissing) {
    this.settings = settings;
    this.dynamoDb = AwsClients.dynamoDb(settings.region(), engines.credentials(), engines::dynamoDbEndpoint);
    boolean s3Started = engines.started(EmbeddedEngines.Engine.S3);
    this.s3 = s3Started ? AwsClients.s3(settings.region(), engines.credentials(), engines::s3Endpoint) : null;
    this.auditMac = LocalAuditKey.open(engines.dataDirectory());
    this.auditAnchors = s3Started ? new S3AuditAnchors(s3, ANCHORS_BUCKET) : notStarted(AuditAnchors.class);
    this.sessions = new DynamoDbSessionStore(committingTransactions(dynamoDb, settings.sessionsTable()),
        settings.sessionsTable(), settings.auditTable(), clock, auditMac, auditAnchors, Optional.empty());
    this.documents = s3Started ? new S3DocumentStore(s3, settings.documentsBucket()) : notStarted(DocumentStore.class);
    if (createMissing) {
      createMissing();
    }
  }

  /**
   * Creates the sessions and audit tables when missing (and brings an older sessions table's
   * indexes up to date), and, when the S3 server runs, the documents and anchors buckets. Waits
   * for the engines to listen.
   */
  void createMissing() {
    java.util.List<String> tables = dynamoDb.listTablesPaginator().tableNames().stream().toList();
    if (!tables.contains(settings.sessionsTable())) {
      dynamoDb.createTable(SessionTables.sessionsTable(settings.sessionsTable()));
    } else {
      addListingIndexes(dynamoDb, settings.sessionsTable());
    }
    if (!tables.contains(settings.auditTable())) {
      dynamoDb.createTable(SessionTables.auditTable(settings.auditTable()));
    }
    if (s3 == null) {
      return;
    }
    for (String bucket : java.util.List.of(settings.documentsBucket(), ANCHORS_BUCKET)) {
      try {
        s3.headBucket(b -> b.bucket(bucket));
      } catch (NoSuchBucketException e) {
        s3.createBucket(b -> b.bucket(bucket));
      }
    }
  }

  /** A {@code type} whose every method throws: the S3 server was not started for this command. */
  private static <T> T notStarted(Class<T> type) {
    return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        (proxy, method, args) -> switch (method.getName()) {
          case "toString" -> type.getSimpleName() + " (the S3 server was not started for this command)";
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> throw new IllegalStateException(type.getSimpleName() + "." + method.getName()
              + ": the embedded S3 server was not started for this command (see GantryCommand.Starts)");
        }));
  }

  /**
   * {@code dynamoDb}, with every {@code TransactWriteItems} call returning only once its transaction
   * is committed to DynamoDB Local's database file.
   *
   * <p>Why: DynamoDB Local 2.6.1 answers a transaction before committing it. Its {@code
   * SQLiteDBAccess.commitTransaction} puts the {@code COMMIT} on the queue of its one SQLite thread
   * (a sqlite4java {@code SQLiteQueue}) and returns without waiting for it, so the answer can reach
   * the client first; a {@code kill -9} in that window loses a write the client was told succeeded
   * ({@code DurabilityIT} measured it: the last acknowledged session update gone after a restart).
   * Single-item writes are not affected: each runs as one job with its own {@code BEGIN}...{@code
   * COMMIT}, which the request waits for. SQLite itself is durable here (no pragmas are set, so the
   * rollback journal and {@code synchronous=FULL} apply). So each transaction is followed by a
   * {@code GetItem} of a key that never exists in {@code table}: the queue runs jobs one at a time in
   * order, so that read completes only after the {@code COMMIT}, and the session store's write
   * returns after it. In AWS the store talks to DynamoDB directly and pays no such read.
   */
  static DynamoDbClient committingTransactions(DynamoDbClient dynamoDb, String table) {
    Map<String, AttributeValue> none = Map.of(SessionTables.SESSION_ID, AttributeValue.fromS("gantry:commit-barrier"));
    return (DynamoDbClient) java.lang.reflect.Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(dynamoDb, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("transactWriteItems")) {
            dynamoDb.getItem(b -> b.tableName(table).key(none).consistentRead(true)); // waits for the COMMIT
          }
          return result;
        });
  }

  /**
   * Brings a sessions table made by an earlier Gantry (without the listing indexes) up to date:
   * adds each missing index and writes the index keys onto the sessions already stored.
   */
  static void addListingIndexes(DynamoDbClient dynamoDb, String table) {
    TableDescription description = dynamoDb.describeTable(b -> b.tableName(table)).table();
    java.util.Set<String> present = new java.util.HashSet<>();
    if (description.hasGlobalSecondaryIndexes()) {
      description.globalSecondaryIndexes().forEach(index -> present.add(index.indexName()));
    }
    boolean added = false;
    for (Map.Entry<String, String> index : SessionTables.LISTING_INDEXES.entrySet()) {
      if (present.contains(index.getKey())) {
        continue;
      }
      GlobalSecondaryIndex gsi = SessionTables.listingIndex(index.getKey(), index.getValue());
      dynamoDb.updateTable(b -> b.tableName(table)
          .attributeDefinitions(SessionTables.sessionsTable(table).attributeDefinitions())
          .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().create(CreateGlobalSecondaryIndexAction.builder()
              .indexName(gsi.indexName()).keySchema(gsi.keySchema()).projection(gsi.projection()).build()).build()));
      awaitIndexesActive(dynamoDb, table);
      added = true;
    }
    if (added) {
      for (Map<String, AttributeValue> item : dynamoDb.scanPaginator(b -> b.tableName(table)).items()) {
        String id = item.get(SessionTables.SESSION_ID).s();
        Instant created = Instant.parse(item.get("createdAt").s());
        AttributeValue origin = item.get("origin");
        AttributeValue owner = origin != null && origin.hasM() ? origin.m().get("actor") : null;
        boolean owned = owner != null && owner.s() != null;
        Map<String, String> names = new java.util.HashMap<>(
            Map.of("#p", SessionTables.LIST_PARTITION, "#o", SessionTables.CREATED_ORDER));
        Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(
            ":p", AttributeValue.fromS(SessionTables.LIST_PARTITION_VALUE),
            ":o", AttributeValue.fromS(SessionTables.createdOrder(created, id))));
        if (owned) {
          names.put("#w", SessionTables.OWNER);
          values.put(":w", AttributeValue.fromS(owner.s()));
        }
        dynamoDb.updateItem(b -> b.tableName(table)
            .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(id)))
            .updateExpression("SET #p = :p, #o = :o" + (owned ? ", #w = :w" : ""))
            .expressionAttributeNames(names)
            .expressionAttributeValues(values));
      }
    }
  }

  /** DynamoDB builds one index at a time: wait (at most 30 s) until every index of the table is ACTIVE. */
  private static void awaitIndexesActive(DynamoDbClient dynamoDb, String table) {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      TableDescription description = dynamoDb.describeTable(b -> b.tableName(table)).table();
      boolean active = description.globalSecondaryIndexes().stream()
          .allMatch(index -> index.indexStatus() == software.amazon.awssdk.services.dynamodb.model.IndexStatus.ACTIVE);
      if (active) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the indexes of table " + table + " did not become active within 30 s");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the indexes of " + table, e);
      }
    }
  }

  /** Sessions and audit log on DynamoDB Local. */
  public DynamoDbSessionStore sessions() {
    return sessions;
  }

  /** Documents on the embedded S3 server (a store that throws when it was not started). */
  public DocumentStore documents() {
    return documents;
  }

  /** The audit MAC key (the key file under {@code GANTRY_HOME}). */
  public AuditMac auditMac() {
    return auditMac;
  }

  /** The audit anchors in {@value #ANCHORS_BUCKET}. */
  public AuditAnchors auditAnchors() {
    return auditAnchors;
  }

  /** The DynamoDB client, for tests that inspect raw items. */
  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /** The S3 client, for tests that inspect raw objects; null when the S3 server was not started. */
  public S3Client s3() {
    return s3;
  }

  @Override
  public void close() {
    dynamoDb.close();
    if (s3 != null) {
      s3.close();
    }
  }
}

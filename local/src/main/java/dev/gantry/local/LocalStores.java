package dev.gantry.local;

import dev.gantry.config.AwsClients;
import dev.gantry.config.Settings;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.session.DynamoDbSessionStore;
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
 * the documents bucket when missing (in AWS the CDK stack creates them).
 */
public final class LocalStores implements AutoCloseable {
  private final DynamoDbClient dynamoDb;
  private final S3Client s3;
  private final DynamoDbSessionStore sessions;
  private final S3DocumentStore documents;

  /** Builds SDK clients for {@code engines} and makes sure the tables and bucket exist. */
  public LocalStores(EmbeddedEngines engines, Settings settings, Clock clock) {
    this.dynamoDb = AwsClients.dynamoDb(settings.region(), engines.credentials(), Optional.of(engines.dynamoDbEndpoint()));
    this.s3 = AwsClients.s3(settings.region(), engines.credentials(), Optional.of(engines.s3Endpoint()));
    java.util.List<String> tables = dynamoDb.listTablesPaginator().tableNames().stream().toList();
    if (!tables.contains(settings.sessionsTable())) {
      dynamoDb.createTable(SessionTables.sessionsTable(settings.sessionsTable()));
    } else {
      addListingIndexes(dynamoDb, settings.sessionsTable());
    }
    if (!tables.contains(settings.auditTable())) {
      dynamoDb.createTable(SessionTables.auditTable(settings.auditTable()));
    }
    try {
      s3.headBucket(b -> b.bucket(settings.documentsBucket()));
    } catch (NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(settings.documentsBucket()));
    }
    this.sessions = new DynamoDbSessionStore(committingTransactions(dynamoDb, settings.sessionsTable()),
        settings.sessionsTable(), settings.auditTable(), clock);
    this.documents = new S3DocumentStore(s3, settings.documentsBucket());
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
    Map<String, String> wanted = Map.of(
        SessionTables.BY_CREATED, SessionTables.LIST_PARTITION, SessionTables.BY_STATUS, SessionTables.STATUS);
    boolean added = false;
    for (Map.Entry<String, String> index : wanted.entrySet()) {
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
        dynamoDb.updateItem(b -> b.tableName(table)
            .key(Map.of(SessionTables.SESSION_ID, AttributeValue.fromS(id)))
            .updateExpression("SET #p = :p, #o = :o")
            .expressionAttributeNames(Map.of("#p", SessionTables.LIST_PARTITION, "#o", SessionTables.CREATED_ORDER))
            .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(SessionTables.LIST_PARTITION_VALUE),
                ":o", AttributeValue.fromS(SessionTables.createdOrder(created, id)))));
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

  /** Documents on the embedded S3 server. */
  public S3DocumentStore documents() {
    return documents;
  }

  /** The DynamoDB client, for tests that inspect raw items. */
  public DynamoDbClient dynamoDb() {
    return dynamoDb;
  }

  /** The S3 client, for tests that inspect raw objects. */
  public S3Client s3() {
    return s3;
  }

  @Override
  public void close() {
    dynamoDb.close();
    s3.close();
  }
}

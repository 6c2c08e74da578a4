package dev.gantry.local;

import dev.gantry.config.AwsClients;
import dev.gantry.config.Settings;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.SessionTables;
import java.time.Clock;
import java.util.Optional;
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
    }
    if (!tables.contains(settings.auditTable())) {
      dynamoDb.createTable(SessionTables.auditTable(settings.auditTable()));
    }
    try {
      s3.headBucket(b -> b.bucket(settings.documentsBucket()));
    } catch (NoSuchBucketException e) {
      s3.createBucket(b -> b.bucket(settings.documentsBucket()));
    }
    this.sessions = new DynamoDbSessionStore(dynamoDb, settings.sessionsTable(), settings.auditTable(), clock);
    this.documents = new S3DocumentStore(s3, settings.documentsBucket());
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

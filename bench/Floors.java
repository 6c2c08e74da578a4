import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.MacAlgorithmSpec;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The bare-SDK floor of each Gantry role for bench/cold-start.sh: a stream handler that builds, in
 * its constructor, the SDK clients the role builds (region from {@code AWS_REGION}, the default
 * credentials chain, {@link UrlConnectionHttpClient} with Gantry's timeouts, endpoints from the
 * SDK's endpoint variables, as Gantry's clients) and makes, on invoke, the same kind of calls as
 * the role's handler on the bench's event, with no Gantry code and no JSON library (the session id
 * is cut out of the event with a regular expression). The calls, read from the handlers' paths:
 *
 * <ul>
 *   <li>api ({@code GET /sessions/{id}}): DynamoDB only, one consistent {@code GetItem}
 *   <li>recorder (an execution's end): DynamoDB, S3, KMS; {@code GetItem}, then an audited write:
 *       KMS {@code GenerateMac}, {@code TransactWriteItems} (a conditional update of an item beside
 *       the session, which Gantry's strict reading of the session item forbids touching, and a
 *       conditional audit put), S3 {@code PutObject} of the empty audit anchor with {@code If-None-Match: *}
 *   <li>approval: as recorder, plus EventBridge {@code PutEvents} (the approval notice)
 *   <li>stage (architect on the offline model): DynamoDB, S3, KMS; {@code GetItem}, an audited write
 *       (stage started), S3 {@code GetObject} of the session's repository snapshot, {@code
 *       PutObject} of a document, an audited write (stage succeeded)
 *   <li>push (an event no rule matches): DynamoDB, S3, KMS, Step Functions built; no call
 *   <li>redelivery (the sweep): DynamoDB, S3, KMS, Step Functions built; two {@code Query} calls on
 *       the {@code byStatus} index (decisions to deliver, approvals waiting)
 * </ul>
 */
public final class Floors {
  private Floors() {}

  static final Pattern SESSION_ID = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");

  static String sessionId(InputStream input) throws IOException {
    Matcher m = SESSION_ID.matcher(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : "none";
  }

  static SdkHttpClient http() {
    return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(30)).build();
  }

  static final Region REGION = Region.of(System.getenv("AWS_REGION"));
  static final String SESSIONS = System.getenv("GANTRY_SESSIONS_TABLE");
  static final String AUDIT = System.getenv("GANTRY_AUDIT_TABLE");
  static final String DOCUMENTS = System.getenv("GANTRY_DOCUMENTS_BUCKET");
  static final String ANCHORS = System.getenv("GANTRY_AUDIT_ANCHORS_BUCKET");
  static final String KEY_ID = System.getenv("GANTRY_AUDIT_KEY_ID");

  static DynamoDbClient dynamoDb() {
    return DynamoDbClient.builder().region(REGION).credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(http()).build();
  }

  /** As Gantry's S3 client: uploads without {@code Expect: 100-continue} (see Gantry's NoExpectContinue). */
  static S3Client s3() {
    return S3Client.builder().region(REGION).credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(http()).overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
          @Override
          public SdkHttpRequest modifyHttpRequest(software.amazon.awssdk.core.interceptor.Context.ModifyHttpRequest context,
              ExecutionAttributes attributes) {
            return context.httpRequest().toBuilder().removeHeader("Expect").build();
          }
        })).build();
  }

  static KmsClient kms() {
    return KmsClient.builder().region(REGION).credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(http()).build();
  }

  static Map<String, AttributeValue> key(String sessionId) {
    return Map.of("sessionId", AttributeValue.fromS(sessionId));
  }

  /** What an audited write is: the entry's MAC, the session update and audit put in one transaction, the anchor. */
  static void auditedWrite(DynamoDbClient dynamoDb, S3Client s3, KmsClient kms, String sessionId) {
    long seq = System.nanoTime();
    String hash = UUID.randomUUID().toString();
    String message = "{\"hash\":\"" + hash + "\",\"seq\":" + seq + ",\"sessionId\":\"" + sessionId + "\"}";
    SdkBytes mac = kms.generateMac(b -> b.keyId(KEY_ID).macAlgorithm(MacAlgorithmSpec.HMAC_SHA_256)
        .message(SdkBytes.fromUtf8String(message))).mac();
    // the floor's own item beside the session (Gantry reads the session item strictly: no foreign attribute on it)
    Update update = Update.builder().tableName(SESSIONS).key(key("floor-" + sessionId))
        .updateExpression("SET #f = :f").conditionExpression("attribute_not_exists(#f) OR #f < :f")
        .expressionAttributeNames(Map.of("#f", "benchFloor"))
        .expressionAttributeValues(Map.of(":f", AttributeValue.fromN(Long.toString(seq)))).build();
    Put put = Put.builder().tableName(AUDIT)
        .item(Map.of("sessionId", AttributeValue.fromS("floor-" + sessionId), "seq", AttributeValue.fromN(Long.toString(seq)),
            "action", AttributeValue.fromS("Floor"), "hash", AttributeValue.fromS(hash),
            "mac", AttributeValue.fromB(mac)))
        .conditionExpression("attribute_not_exists(#id)").expressionAttributeNames(Map.of("#id", "sessionId")).build();
    dynamoDb.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().update(update).build(),
        TransactWriteItem.builder().put(put).build()));
    try {
      s3.putObject(b -> b.bucket(ANCHORS).key("floor/" + sessionId + "/" + seq + "-" + hash).ifNoneMatch("*"), RequestBody.empty());
    } catch (SdkException e) {
      // as Gantry's store: an anchor that is not written is logged, the write stands
      System.out.println("floor: audit entry written but not anchored: " + e);
    }
  }

  static void getItem(DynamoDbClient dynamoDb, String sessionId) {
    dynamoDb.getItem(b -> b.tableName(SESSIONS).key(key(sessionId)).consistentRead(true));
  }

  static void answer(OutputStream output, String sessionId) throws IOException {
    output.write(("{\"sessionId\":\"" + sessionId + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** api: one DynamoDB client, one GetItem. */
  public static final class Api implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      String id = sessionId(input);
      getItem(dynamoDb, id);
      answer(output, id);
    }
  }

  /** recorder: GetItem and one audited write. */
  public static final class Recorder implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();
    final S3Client s3 = s3();
    final KmsClient kms = kms();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      String id = sessionId(input);
      getItem(dynamoDb, id);
      auditedWrite(dynamoDb, s3, kms, id);
      answer(output, id);
    }
  }

  /** approval: GetItem, one audited write, one PutEvents. */
  public static final class Approval implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();
    final S3Client s3 = s3();
    final KmsClient kms = kms();
    final EventBridgeClient events = EventBridgeClient.builder().region(REGION)
        .credentialsProvider(DefaultCredentialsProvider.builder().build()).httpClient(http()).build();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      String id = sessionId(input);
      getItem(dynamoDb, id);
      auditedWrite(dynamoDb, s3, kms, id);
      events.putEvents(b -> b.entries(PutEventsRequestEntry.builder().eventBusName(System.getenv("GANTRY_EVENT_BUS_NAME"))
          .source("gantry.bench").detailType("ApprovalRequested").detail("{\"sessionId\":\"" + id + "\"}").build()));
      answer(output, id);
    }
  }

  /** stage: GetItem, audited write, snapshot GetObject, document PutObject, audited write. */
  public static final class Stage implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();
    final S3Client s3 = s3();
    final KmsClient kms = kms();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      String id = sessionId(input);
      getItem(dynamoDb, id);
      auditedWrite(dynamoDb, s3, kms, id);
      String snapshot = System.getenv("BENCH_SNAPSHOT_KEY");
      if (snapshot != null && !snapshot.isEmpty()) {
        s3.getObjectAsBytes(b -> b.bucket(DOCUMENTS).key(snapshot)).asByteArray();
      }
      s3.putObject(b -> b.bucket(DOCUMENTS).key("floor/" + id + "/architecture.md"),
          RequestBody.fromString("# Architecture\n" + "The bench's floor document.\n".repeat(100)));
      auditedWrite(dynamoDb, s3, kms, id);
      answer(output, id);
    }
  }

  /** push (no rule matches): the role's clients, no call. */
  public static final class Push implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();
    final S3Client s3 = s3();
    final KmsClient kms = kms();
    final SfnClient sfn = SfnClient.builder().region(REGION).credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(http()).build();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      input.readAllBytes();
      answer(output, "none");
    }
  }

  /** redelivery: the role's clients, two Query calls on the byStatus index. */
  public static final class Redelivery implements RequestStreamHandler {
    final DynamoDbClient dynamoDb = dynamoDb();
    final S3Client s3 = s3();
    final KmsClient kms = kms();
    final SfnClient sfn = SfnClient.builder().region(REGION).credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClient(http()).build();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
      input.readAllBytes();
      for (int i = 0; i < 2; i++) {
        dynamoDb.query(b -> b.tableName(SESSIONS).indexName("byStatus").keyConditionExpression("#s = :s")
            .expressionAttributeNames(Map.of("#s", "status"))
            .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("AWAITING_APPROVAL"))).limit(100));
      }
      answer(output, "none");
    }
  }
}

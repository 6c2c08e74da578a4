import com.sun.net.httpserver.HttpServer;
import dev.gantry.config.AwsClients;
import dev.gantry.config.Settings;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.handler.StageHandler;
import dev.gantry.json.Json;
import dev.gantry.local.EmbeddedEngines;
import dev.gantry.local.LocalStores;
import dev.gantry.config.GantryRuntime;
import dev.gantry.agent.AgentCatalog;
import dev.gantry.model.offline.OfflineModel;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StageListener;
import dev.gantry.push.RepositoryPush;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.kms.KmsAuditMac;
import dev.gantry.session.s3.S3AuditAnchors;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The downstream of bench/cold-start.sh, started once per run in its own JVM: DynamoDB Local and the
 * S3 server as the local module embeds them ({@link EmbeddedEngines}, tables and buckets by {@link
 * LocalStores}), and a loopback stub of the AWS services that have no local engine, answering in
 * their wire format (AWS JSON 1.0/1.1, chosen by {@code X-Amz-Target}): KMS {@code GenerateMac} /
 * {@code VerifyMac} with an HMAC-SHA-256 key it holds (AWS KMS API reference), EventBridge {@code
 * PutEvents}, Step Functions {@code StartExecution} / {@code SendTask*} (accepted, nothing runs).
 *
 * <p>Seeds the sessions the samples need, through Gantry's own services on the same stores the
 * handlers use (KMS-authenticated audit, S3 anchors): RUNNING sessions (api, recorder), sessions
 * whose checkout succeeded (stage: architect), sessions at the approval gate (approval). Writes
 * {@code endpoints.env} (the SDK's standard endpoint variables) and one event per sample under
 * {@code events/ROLE/N.json}, then {@code ready}, and serves until its standard input closes.
 *
 * <p>Usage: {@code ColdStartEngines WORK_DIR SESSIONS_PER_ROLE ROLE...}; the environment carries
 * the handlers' table, bucket and key names.
 */
public final class ColdStartEngines {
  static final String KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-00000000bench";
  static final byte[] HMAC_KEY = "gantry-bench-hmac-key-0123456789".getBytes(StandardCharsets.US_ASCII);

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int perRole = Integer.parseInt(args[1]);
    List<String> roles = List.of(args).subList(2, args.length);
    Map<String, String> env = System.getenv();
    long started = System.nanoTime();

    EmbeddedEngines engines = EmbeddedEngines.start(work.resolve("data"));
    AtomicLong stubCalls = new AtomicLong();
    HttpServer stub = awsStub(stubCalls);
    URI stubEndpoint = URI.create("http://127.0.0.1:" + stub.getAddress().getPort());

    Settings settings = Settings.fromEnvironment(env);
    Clock clock = Clock.systemUTC();
    LocalStores stores = new LocalStores(engines, settings, clock); // tables, documents bucket, anchors bucket
    S3Client s3 = stores.s3();
    String anchorsBucket = env.get("GANTRY_AUDIT_ANCHORS_BUCKET");
    if (!anchorsBucket.equals(LocalStores.ANCHORS_BUCKET)) {
      s3.createBucket(b -> b.bucket(anchorsBucket));
    }
    KmsClient kms = AwsClients.client(KmsClient.builder(), settings.region(), engines.credentials(), Optional.of(stubEndpoint));
    // the store as the handlers build it (AwsGantry): KMS MACs, S3 anchors
    DynamoDbSessionStore store = new DynamoDbSessionStore(stores.dynamoDb(), settings.sessionsTable(), settings.auditTable(),
        clock, new KmsAuditMac(kms, env.get("GANTRY_AUDIT_KEY_ID")), new S3AuditAnchors(s3, anchorsBucket), Optional.empty());
    S3DocumentStore documents = new S3DocumentStore(s3, settings.documentsBucket());
    SessionService sessions = new SessionService(store, clock, () -> UUID.randomUUID().toString(), true);
    Path repository = smallRepository(work.resolve("repository"));

    PipelineExecutor executor = null;
    if (roles.contains("stage") || roles.contains("approval")) {
      AgentCatalog agents = AgentCatalog.load(Path.of(env.get("LAMBDA_TASK_ROOT"), "agents"));
      executor = new GantryRuntime(settings, store, documents, new OfflineModel(), agents, clock, StageListener.NONE).executor();
    }
    String snapshotKey = null;
    for (String role : roles) {
      Path dir = Files.createDirectories(work.resolve("events").resolve(role));
      for (int n = 0; n < perRole; n++) {
        String event;
        switch (role) {
          case "api": {
            Session s = sessions.start("Benchmark a cold start", repository, "bench-api", "bench");
            event = apiGet(s.sessionId());
            break;
          }
          case "recorder": {
            Session s = sessions.start("Benchmark a cold start", repository, "bench-recorder", "bench");
            event = Json.write(Map.of("sessionId", s.sessionId(), "outcome", "FAILED",
                "error", Map.of("Error", "Lambda.Unknown", "Cause", "{\"errorMessage\":\"bench\",\"errorType\":\"Bench\"}")));
            break;
          }
          case "approval": {
            Session s = sessions.start("Benchmark a cold start", repository, "bench-approval", "bench");
            StageHandler stages = new StageHandler(executor);
            for (String stage : List.of("checkout", "architect", "plan", "validate", "changeset")) {
              invoke(stages, Map.of("sessionId", s.sessionId(), "stage", stage, "attempt", 1));
            }
            event = Json.write(Map.of("sessionId", s.sessionId(), "taskToken", "bench-token-" + UUID.randomUUID()));
            break;
          }
          case "stage": {
            Session s = sessions.start("Benchmark a cold start", repository, "bench-stage", "bench");
            invoke(new StageHandler(executor), Map.of("sessionId", s.sessionId(), "stage", "checkout", "attempt", 1));
            if (snapshotKey == null) {
              snapshotKey = largestObject(s3, settings.documentsBucket());
            }
            event = Json.write(Map.of("sessionId", s.sessionId(), "stage", "architect", "attempt", 1, "pipeline", "deliver",
                "executionArn", "arn:aws:states:eu-west-1:123456789012:execution:gantry-deliver:" + s.sessionId()));
            break;
          }
          case "push": {
            // a RepositoryPush on Gantry's bus (Gantry's own record as the detail) that no rule matches:
            // the bench sets no GANTRY_PUSH_RULES
            RepositoryPush push = new RepositoryPush("github", "bench-" + n + "-" + UUID.randomUUID(), "example/bench",
                "https://github.com/example/bench.git", "refs/heads/main", "0".repeat(40),
                "0123456789abcdef0123456789abcdef01234567", "bench", "main", "Benchmark a cold start", 1);
            Map<String, Object> envelope = new java.util.LinkedHashMap<>();
            envelope.put("version", "0");
            envelope.put("id", UUID.randomUUID().toString());
            envelope.put("detail-type", RepositoryPush.DETAIL_TYPE);
            envelope.put("source", RepositoryPush.SOURCE);
            envelope.put("account", "123456789012");
            envelope.put("time", "2026-12-01T00:00:00Z");
            envelope.put("region", "eu-west-1");
            envelope.put("resources", List.of());
            envelope.put("detail", push);
            event = Json.write(envelope);
            break;
          }
          case "redelivery":
            event = "{\"version\":\"0\",\"id\":\"" + UUID.randomUUID() + "\",\"detail-type\":\"Scheduled Event\",\"source\":"
                + "\"aws.events\",\"account\":\"123456789012\",\"time\":\"2026-12-01T00:00:00Z\",\"region\":\"eu-west-1\","
                + "\"resources\":[],\"detail\":{}}";
            break;
          default:
            throw new IllegalArgumentException("unknown role " + role);
        }
        Files.writeString(dir.resolve(n + ".json"), event);
      }
    }
    StringBuilder endpoints = new StringBuilder();
    // the AWS SDKs' service-specific endpoint variables (AWS SDKs and Tools Reference Guide, "Service-specific endpoints")
    endpoints.append("AWS_ENDPOINT_URL_DYNAMODB=").append(engines.dynamoDbEndpoint()).append('\n');
    endpoints.append("AWS_ENDPOINT_URL_S3=").append(engines.s3Endpoint()).append('\n');
    for (String service : List.of("KMS", "EVENTBRIDGE", "SFN", "SECRETS_MANAGER")) {
      endpoints.append("AWS_ENDPOINT_URL_").append(service).append('=').append(stubEndpoint).append('\n');
    }
    endpoints.append("BENCH_SNAPSHOT_KEY=").append(snapshotKey == null ? "" : snapshotKey).append('\n');
    Files.writeString(work.resolve("endpoints.env"), endpoints);
    System.err.printf("engines up and %d events per role seeded in %.1f s (stub calls so far: %d)%n", perRole,
        (System.nanoTime() - started) / 1e9, stubCalls.get());
    Files.writeString(work.resolve("ready"), "");
    System.in.transferTo(java.io.OutputStream.nullOutputStream()); // serve until the script closes our input
    System.err.printf("stub answered %d calls%n", stubCalls.get());
    stub.stop(0);
    if (executor != null) {
      executor.close();
    }
    stores.close();
    engines.close();
    System.exit(0);
  }

  /** API Gateway HTTP API payload format 2.0, GET /sessions/{id}, IAM authorizer (API Gateway Developer Guide). */
  static String apiGet(String sessionId) {
    return "{\"version\":\"2.0\",\"routeKey\":\"GET /sessions/{sessionId}\",\"rawPath\":\"/sessions/" + sessionId + "\","
        + "\"rawQueryString\":\"\",\"headers\":{\"accept\":\"application/json\",\"host\":\"abc123.execute-api.eu-west-1.amazonaws.com\","
        + "\"user-agent\":\"bench\",\"x-amzn-trace-id\":\"Root=1-00000000-000000000000000000000000\"},"
        + "\"requestContext\":{\"accountId\":\"123456789012\",\"apiId\":\"abc123\",\"authorizer\":{\"iam\":{"
        + "\"accessKey\":\"ASIAEXAMPLE\",\"accountId\":\"123456789012\",\"callerId\":\"AROAEXAMPLE:bench\","
        + "\"principalOrgId\":null,\"userArn\":\"arn:aws:sts::123456789012:assumed-role/gantry-reader/bench\","
        + "\"userId\":\"AROAEXAMPLE:bench\"}},\"domainName\":\"abc123.execute-api.eu-west-1.amazonaws.com\","
        + "\"domainPrefix\":\"abc123\",\"http\":{\"method\":\"GET\",\"path\":\"/sessions/" + sessionId + "\","
        + "\"protocol\":\"HTTP/1.1\",\"sourceIp\":\"192.0.2.1\",\"userAgent\":\"bench\"},\"requestId\":\"bench-request\","
        + "\"routeKey\":\"GET /sessions/{sessionId}\",\"stage\":\"$default\",\"time\":\"01/Dec/2026:10:00:00 +0000\","
        + "\"timeEpoch\":1796119200000},\"pathParameters\":{\"sessionId\":\"" + sessionId + "\"},\"isBase64Encoded\":false}";
  }

  static void invoke(StageHandler handler, Map<String, Object> task) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(Json.write(task).getBytes(StandardCharsets.UTF_8)), out, null);
  }

  static String largestObject(S3Client s3, String bucket) {
    S3Object largest = null;
    for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket)).contents()) {
      if (largest == null || o.size() > largest.size()) {
        largest = o;
      }
    }
    return largest == null ? "" : largest.key();
  }

  /** A small Git repository (a README, a service and its test) for the sessions' checkout. */
  static Path smallRepository(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("README.md"), "# bench\nA small service Gantry sessions are benchmarked on.\n");
    Files.writeString(dir.resolve("src/service.py"), "def handler(event, context):\n    return {'statusCode': 200}\n");
    Files.writeString(dir.resolve("src/test_service.py"), "from service import handler\n\ndef test_ok():\n"
        + "    assert handler({}, None)['statusCode'] == 200\n");
    for (List<String> command : List.of(List.of("git", "init", "-q", "-b", "main"), List.of("git", "add", "."),
        List.of("git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "bench"))) {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
      if (p.waitFor() != 0) {
        throw new IllegalStateException(command + " failed");
      }
    }
    return dir;
  }

  /** The loopback stub of KMS, EventBridge, Step Functions and Secrets Manager. */
  static HttpServer awsStub(AtomicLong calls) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      calls.incrementAndGet();
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      String contentType = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
      int status = 200;
      String answer;
      try {
        var request = Json.tree(new String(body, StandardCharsets.UTF_8));
        switch (target) {
          case "TrentService.GenerateMac":
            answer = Json.write(Map.of("KeyId", KEY_ARN, "MacAlgorithm", "HMAC_SHA_256",
                "Mac", Base64.getEncoder().encodeToString(hmac(Base64.getDecoder().decode(request.path("Message").asText())))));
            break;
          case "TrentService.VerifyMac": {
            byte[] expected = hmac(Base64.getDecoder().decode(request.path("Message").asText()));
            if (java.security.MessageDigest.isEqual(expected, Base64.getDecoder().decode(request.path("Mac").asText()))) {
              answer = Json.write(Map.of("KeyId", KEY_ARN, "MacAlgorithm", "HMAC_SHA_256", "MacValid", true));
            } else {
              status = 400;
              answer = "{\"__type\":\"KMSInvalidMacException\",\"message\":\"\"}";
            }
            break;
          }
          case "AWSEvents.PutEvents": {
            List<Map<String, String>> entries = new ArrayList<>();
            request.path("Entries").forEach(e -> entries.add(Map.of("EventId", UUID.randomUUID().toString())));
            answer = Json.write(Map.of("FailedEntryCount", 0, "Entries", entries));
            break;
          }
          case "AWSStepFunctions.StartExecution":
            answer = Json.write(Map.of("executionArn", "arn:aws:states:eu-west-1:123456789012:execution:gantry:"
                + request.path("name").asText(), "startDate", System.currentTimeMillis() / 1000.0));
            break;
          default:
            answer = "{}"; // SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat answer an empty object
        }
      } catch (Exception e) {
        status = 500;
        answer = "{\"__type\":\"InternalFailure\",\"message\":\"" + e.getClass().getSimpleName() + "\"}";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType.equals("null") ? "application/x-amz-json-1.1" : contentType);
      exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
      exchange.sendResponseHeaders(status, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
    server.start();
    return server;
  }

  static byte[] hmac(byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(HMAC_KEY, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

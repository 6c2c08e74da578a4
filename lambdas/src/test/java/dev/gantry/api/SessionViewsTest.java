package dev.gantry.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.deploy.Finding;
import dev.gantry.deploy.ValidationFindings;
import dev.gantry.deploy.ValidationReport;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.json.Json;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.pipeline.ValidateStage;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import dev.gantry.session.SessionTables;
import dev.gantry.telemetry.StageTelemetry;
import dev.gantry.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The findings GET /sessions/{id} shows: kept on the session item by the validate stage, so the GET
 * reads no document; a report too large for the item is read from {@code validation.json}. The
 * sessions run the real validate stage and are stored in the real session store (DynamoDB Local
 * in-process).
 */
class SessionViewsTest {
  static final DynamoDbClient DYNAMODB = com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded.create().dynamoDbClient();

  static {
    DYNAMODB.createTable(SessionTables.sessionsTable("sessions"));
    DYNAMODB.createTable(SessionTables.auditTable("audit"));
  }

  final List<dev.gantry.session.AuditAnchors.Anchor> anchored = new java.util.concurrent.CopyOnWriteArrayList<>();
  final DynamoDbSessionStore store = new DynamoDbSessionStore(DYNAMODB, "sessions", "audit", Clock.systemUTC(),
      new dev.gantry.session.keyfile.HmacAuditMac(new byte[32], "test:zeros"),
      new dev.gantry.session.AuditAnchors() {
        @Override public void anchor(String sessionId, long seq, String hash) { anchored.add(new Anchor(seq, hash)); }
        @Override public List<Anchor> anchors(String sessionId) { return anchored; }
      }, Optional.empty());
  final CountingDocuments documents = new CountingDocuments();

  /** Documents in memory, counting reads. */
  static final class CountingDocuments implements DocumentStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public DocumentRef put(String key, byte[] content, String contentType) {
      objects.put(key, content.clone());
      return new DocumentRef(key.substring(key.lastIndexOf('/') + 1), key, content.length, dev.gantry.hash.Sha256.hex(content),
          contentType);
    }

    @Override
    public DocumentRef put(String key, Path file, String contentType) {
      try {
        return put(key, Files.readAllBytes(file), contentType);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public Optional<byte[]> get(String key) {
      reads.incrementAndGet();
      return Optional.ofNullable(objects.get(key)).map(byte[]::clone);
    }

    @Override
    public Optional<InputStream> open(String key) {
      return get(key).map(ByteArrayInputStream::new);
    }

    @Override
    public String locationOf(String key) {
      return "memory://" + key;
    }
  }

  /** A session whose plan stage wrote {@code template}, after its validate stage ran, as stored. */
  private Session validated(String template) {
    Session session = store.create(Session.start(UUID.randomUUID().toString(), "a goal", "https://example.com/r.git", "gantry-r",
        PipelineDefinition.DELIVER, Map.of(), SessionOrigin.cli("tester"), Instant.now()),
        new AuditEvent("tester", "SessionCreated", Map.of()));
    Map<String, Stage> stages = new HashMap<>();
    Pipelines.standard().stages().stream().filter(s -> !s.approvalGate()).forEach(s -> stages.put(s.name(),
        context -> { throw new UnsupportedOperationException("not run here"); }));
    stages.put(PipelineDefinition.PLAN, context -> {
      context.documents().write("template.yaml", template);
      return StageOutcome.success("planned");
    });
    stages.put(PipelineDefinition.VALIDATE, new ValidateStage());
    try (PipelineExecutor executor = new PipelineExecutor(Pipelines.standard(), stages, store, documents,
        s -> { throw new UnsupportedOperationException("no repository read"); }, Clock.systemUTC(), delay -> { },
        new StageTelemetry(Telemetry.NONE))) {
      executor.runAttempt(session.sessionId(), PipelineDefinition.PLAN, 1);
      try {
        executor.runAttempt(session.sessionId(), PipelineDefinition.VALIDATE, 1);
      } catch (dev.gantry.pipeline.StageFailedException blocking) {
        // a template with blocking findings fails the session; its findings are still shown
      }
    }
    return store.find(session.sessionId()).orElseThrow();
  }

  private List<Finding> report(Session session) {
    byte[] json = documents.objects.get(session.documents().get(ValidateStage.DOCUMENT).key());
    return Json.read(new String(json, StandardCharsets.UTF_8), ValidationReport.class).findings();
  }

  private static String publicBuckets(int count) {
    StringBuilder template = new StringBuilder("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
    for (int i = 0; i < count; i++) {
      template.append("  Website").append(i).append(":\n    Type: AWS::S3::Bucket\n    Properties:\n")
          .append("      AccessControl: PublicRead\n");
    }
    return template.toString();
  }

  @Test
  void a_get_of_a_validated_session_shows_its_findings_without_reading_a_document() {
    Session session = validated(publicBuckets(2));
    List<Finding> inReport = report(session);
    assertThat(inReport).as("the template has findings to show").isNotEmpty();
    assertThat(session.validationFindings()).as("kept on the stored item").isNotNull();

    documents.reads.set(0);
    SessionViews.Detail detail = new SessionViews(documents, s -> Optional.empty()).detail(session);

    assertThat(documents.reads).as("no document read").hasValue(0);
    assertThat(detail.findings()).isEqualTo(inReport);
    assertThat(Json.tree(Json.write(detail)).path("findings")).isEqualTo(Json.MAPPER.valueToTree(inReport));
  }

  @Test
  void findings_too_large_for_the_item_are_read_from_the_report_document() {
    Session session = validated(publicBuckets(400));
    List<Finding> inReport = report(session);
    assertThat(Json.write(inReport).getBytes(StandardCharsets.UTF_8).length).isGreaterThan(ValidationFindings.MAX_JSON_BYTES);
    assertThat(session.validationFindings()).as("not kept on the item").isNull();

    documents.reads.set(0);
    SessionViews views = new SessionViews(documents, s -> Optional.empty());
    assertThat(views.detail(session).findings()).isEqualTo(inReport);
    assertThat(views.detail(session).findings()).isEqualTo(inReport);
    assertThat(documents.reads).as("read once per report digest").hasValue(1);
  }

  @Test
  void kept_findings_of_an_older_report_are_not_shown_for_a_newer_one() {
    Session first = validated(publicBuckets(1));
    Session second = validated(publicBuckets(3));
    Session mixed = store.find(second.sessionId()).orElseThrow().withValidationFindings(first.validationFindings());

    documents.reads.set(0);
    assertThat(new SessionViews(documents, s -> Optional.empty()).detail(mixed).findings()).isEqualTo(report(second));
    assertThat(documents.reads).as("the digest does not match: the document is read").hasValue(1);
  }
}

package dev.gantry.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.json.Json;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.pipeline.TransientStageException;
import dev.gantry.session.AuditEvent;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import dev.gantry.telemetry.StageTelemetry;
import dev.gantry.telemetry.Telemetry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.OutputStreamAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A stage task's log lines as the functions write them: the functions' log4j2 configuration
 * (src/main/resources/log4j2.xml, Powertools' JSON layout) captured through an appender with the
 * same layout as its console appender, while {@link StageHandler} runs a task on an in-memory
 * session store with stub stages.
 */
class StageTaskLogTest {
  static final String REQUEST_ID = "8f5e2c1a-0000-4000-8000-000000000001";
  static final String NOT_TO_LOG = "TEXT-AN-AGENT-WROTE";
  static final PipelineDefinition DELIVER = Pipelines.standard().pipeline(PipelineDefinition.DELIVER);

  /** The real session store on DynamoDB Local in-process; anchors are not this test's subject, so they are kept in a list. */
  static final software.amazon.awssdk.services.dynamodb.DynamoDbClient DYNAMODB =
      com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded.create().dynamoDbClient();
  static {
    DYNAMODB.createTable(dev.gantry.session.SessionTables.sessionsTable("sessions"));
    DYNAMODB.createTable(dev.gantry.session.SessionTables.auditTable("audit"));
  }
  final List<dev.gantry.session.AuditAnchors.Anchor> anchored = new java.util.concurrent.CopyOnWriteArrayList<>();
  final dev.gantry.session.DynamoDbSessionStore store = new dev.gantry.session.DynamoDbSessionStore(DYNAMODB, "sessions", "audit",
      Clock.systemUTC(), new dev.gantry.session.keyfile.HmacAuditMac(new byte[32], "test:zeros"),
      new dev.gantry.session.AuditAnchors() {
        @Override public void anchor(String sessionId, long seq, String hash) { anchored.add(new Anchor(seq, hash)); }
        @Override public List<Anchor> anchors(String sessionId) { return anchored; }
      }, java.util.Optional.empty());
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  OutputStreamAppender appender;

  @BeforeEach
  void captureTheJsonAppender() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    var json = context.getConfiguration().getAppender("JsonAppender");
    assertThat(json).as("the functions' log4j2.xml is the configuration in use").isNotNull();
    appender = OutputStreamAppender.newBuilder().setName("captured").setLayout(json.getLayout()).setTarget(captured).build();
    appender.start();
    context.getConfiguration().getRootLogger().addAppender(appender, null, null);
    context.updateLoggers();
  }

  @AfterEach
  void detach() {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    context.getConfiguration().getRootLogger().removeAppender("captured");
    context.updateLoggers();
    appender.stop();
  }

  @Test
  void every_line_of_a_stage_task_is_json_with_the_session_keys_and_the_stage_ends_with_its_figures() throws IOException {
    // GIVEN a running session and stages that log from their worker thread and say something private
    Session session = newSession();
    Stage stage = context -> {
      LoggerFactory.getLogger("dev.gantry.pipeline.SomeStage").info("working on it");
      return new StageOutcome(true, NOT_TO_LOG, new TokenUsage(1200, 300, 100, 50, 45_000), List.of(), null);
    };
    StageHandler handler = new StageHandler(executor(stage), Telemetry.NONE);

    // WHEN the state machine's task for its checkout stage runs
    String executionArn = "arn:aws:states:eu-west-1:123456789012:execution:GantryDeliver:" + session.sessionId();
    handler.handleRequest(task(session, PipelineDefinition.CHECKOUT, 1, executionArn), new ByteArrayOutputStream(), lambdaContext());

    // THEN each line is one JSON document carrying the task's keys and the request id
    List<JsonNode> lines = lines();
    assertThat(lines).extracting(l -> l.path("message").asText())
        .contains("stage checkout started", "working on it")
        .anyMatch(m -> m.startsWith("stage checkout ended SUCCEEDED"));
    for (JsonNode line : lines) {
      assertThat(line.path("sessionId").asText()).as(line.toString()).isEqualTo(session.sessionId());
      assertThat(line.path("stage").asText()).isEqualTo("checkout");
      assertThat(line.path("attempt").asText()).isEqualTo("1");
      assertThat(line.path("pipeline").asText()).isEqualTo("deliver");
      assertThat(line.path("executionArn").asText()).isEqualTo(executionArn);
      assertThat(line.path("function_request_id").asText()).isEqualTo(REQUEST_ID);
      assertThat(line.path("level").asText()).isIn("INFO", "WARN");
    }
    JsonNode end = lines.stream().filter(l -> l.path("message").asText().startsWith("stage checkout ended")).findFirst().orElseThrow();
    assertThat(end.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(end.path("durationMillis").asText()).matches("\\d+");
    assertThat(end.path("inputTokens").asText()).isEqualTo("1200");
    assertThat(end.path("outputTokens").asText()).isEqualTo("300");
    assertThat(end.path("cacheReadTokens").asText()).isEqualTo("100");
    assertThat(end.path("costUsd").asText()).isEqualTo("0.045000");
    // AND nothing a stage wrote reaches the log, and the next invocation starts without the keys
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(NOT_TO_LOG);
    assertThat(MDC.get("sessionId")).isNull();
  }

  @Test
  void an_attempt_the_state_machine_retries_is_a_warning_naming_the_error_not_its_message() {
    // GIVEN a stage with a retry policy whose attempt fails transiently
    StageDefinition retrying = DELIVER.stages().stream().filter(s -> !s.approvalGate() && s.retry().maxAttempts() > 0)
        .findFirst().orElseThrow();
    Session session = newSession();
    Stage failing = context -> {
      throw new TransientStageException("the model answered " + NOT_TO_LOG, null);
    };
    StageHandler handler = new StageHandler(executor(failing), Telemetry.NONE);

    // WHEN its first attempt runs
    assertThatThrownBy(() -> handler.handleRequest(task(session, retrying.name(), 1, null), new ByteArrayOutputStream(),
        lambdaContext())).isInstanceOf(TransientStageException.class);

    // THEN a WARN line with the session's keys says the state machine retries it
    JsonNode warning = lines().stream().filter(l -> l.path("level").asText().equals("WARN")).findFirst().orElseThrow();
    assertThat(warning.path("message").asText()).contains("attempt 1", TransientStageException.class.getName(), "retries");
    assertThat(warning.path("sessionId").asText()).isEqualTo(session.sessionId());
    assertThat(warning.path("stage").asText()).isEqualTo(retrying.name());
    assertThat(warning.has("executionArn")).as("unknown keys are left out").isFalse();
    assertThat(captured.toString(StandardCharsets.UTF_8)).doesNotContain(NOT_TO_LOG);
  }

  private Session newSession() {
    Session session = Session.start(UUID.randomUUID().toString(), "a goal", "https://example.com/r.git", "gantry-r",
        PipelineDefinition.DELIVER, Map.of(), SessionOrigin.cli("tester"), Instant.now());
    return store.create(session, new AuditEvent("tester", "SessionCreated", Map.of()));
  }

  private PipelineExecutor executor(Stage every) {
    Map<String, Stage> stages = new HashMap<>();
    Pipelines.standard().stages().stream().filter(s -> !s.approvalGate()).forEach(s -> stages.put(s.name(), every));
    return new PipelineExecutor(Pipelines.standard(), stages, store, new NoDocuments(),
        s -> { throw new UnsupportedOperationException("the stub stages read no repository"); },
        Clock.systemUTC(), delay -> { }, new StageTelemetry(Telemetry.NONE));
  }

  private static InputStream task(Session session, String stage, int attempt, String executionArn) {
    Map<String, Object> task = new HashMap<>(Map.of("sessionId", session.sessionId(), "stage", stage, "attempt", attempt,
        "pipeline", PipelineDefinition.DELIVER));
    if (executionArn != null) {
      task.put("executionArn", executionArn);
    }
    return new ByteArrayInputStream(Json.write(task).getBytes(StandardCharsets.UTF_8));
  }

  private List<JsonNode> lines() {
    return Arrays.stream(captured.toString(StandardCharsets.UTF_8).split("\n")).filter(l -> !l.isBlank()).map(l -> {
      try {
        return Json.MAPPER.readTree(l);
      } catch (IOException e) {
        throw new AssertionError("not a JSON line: " + l, e);
      }
    }).toList();
  }

  static Context lambdaContext() {
    return new Context() {
      @Override public String getAwsRequestId() { return REQUEST_ID; }
      @Override public String getLogGroupName() { return "/aws/lambda/gantry-checkout"; }
      @Override public String getLogStreamName() { return "2026/12/01/[1]abc"; }
      @Override public String getFunctionName() { return "gantry-checkout"; }
      @Override public String getFunctionVersion() { return "1"; }
      @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:eu-west-1:123456789012:function:gantry-checkout:live"; }
      @Override public CognitoIdentity getIdentity() { return null; }
      @Override public ClientContext getClientContext() { return null; }
      @Override public int getRemainingTimeInMillis() { return 60_000; }
      @Override public int getMemoryLimitInMB() { return 1024; }
      @Override public LambdaLogger getLogger() { return null; }
    };
  }

  /** The stub stages write no documents. */
  static final class NoDocuments implements DocumentStore {
    @Override public DocumentRef put(String key, byte[] content, String contentType) { throw new UnsupportedOperationException(); }
    @Override public DocumentRef put(String key, Path file, String contentType) { throw new UnsupportedOperationException(); }
    @Override public Optional<byte[]> get(String key) { return Optional.empty(); }
    @Override public Optional<InputStream> open(String key) { return Optional.empty(); }
    @Override public String locationOf(String key) { return key; }
  }
}

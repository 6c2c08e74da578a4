package dev.gantry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.json.Json;
import dev.gantry.model.TokenUsage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Embedded Metric Format documents {@link EmfTelemetry} writes to standard output (the EMF
 * library's Local environment, {@code AWS_EMF_ENVIRONMENT=Local}, set by the build for tests; in
 * Lambda the same documents go to the function's log), read as CloudWatch would read them: the
 * {@code _aws.CloudWatchMetrics} directive (namespace, dimension sets, metric names and units) and
 * the values at the top level (EMF specification).
 */
class EmfTelemetryTest {

  @Test
  void one_stage_end_is_one_document_in_the_gantry_namespace_with_pipeline_stage_and_outcome() throws IOException {
    // GIVEN telemetry on Powertools' metrics
    EmfTelemetry telemetry = new EmfTelemetry();

    // WHEN a stage ends after 1.234 s with 1200 input, 300 output, 100 cache-read and 50 cache-write tokens for $0.045
    JsonNode document = only(stdoutOf(() -> telemetry.stageEnded("deliver", "architect", "SUCCEEDED", 1234,
        new TokenUsage(1200, 300, 100, 50, 45_000))));

    // THEN CloudWatch reads seven metrics of namespace Gantry under three dimension sets, and no others
    JsonNode directive = document.path("_aws").path("CloudWatchMetrics").get(0);
    assertThat(directive.path("Namespace").asText()).isEqualTo("Gantry");
    assertThat(directive.path("Dimensions").toString())
        .isEqualTo("[[\"pipeline\",\"stage\",\"outcome\"],[\"pipeline\",\"stage\"],[\"pipeline\"]]");
    List<String> metrics = new ArrayList<>();
    directive.path("Metrics").forEach(m -> metrics.add(m.path("Name").asText() + ":" + m.path("Unit").asText()));
    assertThat(metrics).containsExactlyInAnyOrder("StageDuration:Milliseconds", "StagesEnded:Count",
        "ModelInputTokens:Count", "ModelOutputTokens:Count", "ModelCacheReadTokens:Count", "ModelCacheWriteTokens:Count",
        "ModelCostUsd:None");
    assertThat(GantryMetrics.STAGE_METRICS).hasSize(metrics.size());
    // AND the values and dimension values sit at the top level
    assertThat(document.path("pipeline").asText()).isEqualTo("deliver");
    assertThat(document.path("stage").asText()).isEqualTo("architect");
    assertThat(document.path("outcome").asText()).isEqualTo("SUCCEEDED");
    assertThat(document.path("StageDuration").asDouble()).isEqualTo(1234.0);
    assertThat(document.path("ModelInputTokens").asDouble()).isEqualTo(1200.0);
    assertThat(document.path("ModelOutputTokens").asDouble()).isEqualTo(300.0);
    assertThat(document.path("ModelCacheReadTokens").asDouble()).isEqualTo(100.0);
    assertThat(document.path("ModelCacheWriteTokens").asDouble()).isEqualTo(50.0);
    assertThat(document.path("ModelCostUsd").asDouble()).isEqualTo(0.045);
    assertThat(document.path("_aws").path("Timestamp").asLong()).isPositive();
  }

  @Test
  void sessions_pushes_and_webhooks_count_under_their_own_few_dimensions() throws IOException {
    EmfTelemetry telemetry = new EmfTelemetry();

    JsonNode started = only(stdoutOf(() -> telemetry.sessionStarted("review", "push")));
    JsonNode ignored = only(stdoutOf(() -> telemetry.pushIgnored("OTHER_BRANCH")));
    JsonNode refused = only(stdoutOf(() -> telemetry.webhookSignatureFailed("github")));
    JsonNode waited = only(stdoutOf(() -> telemetry.approvalDecided("deliver", "approve", java.time.Duration.ofMinutes(3))));

    assertThat(started.path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
        .isEqualTo("[[\"pipeline\",\"trigger\"]]");
    assertThat(started.path("SessionsStarted").asDouble()).isEqualTo(1.0);
    assertThat(ignored.path("reason").asText()).isEqualTo("OTHER_BRANCH");
    assertThat(ignored.path("PushesIgnored").asDouble()).isEqualTo(1.0);
    assertThat(refused.path("provider").asText()).isEqualTo("github");
    assertThat(refused.path("WebhookSignatureFailures").asDouble()).isEqualTo(1.0);
    assertThat(waited.path("ApprovalWait").asDouble()).isEqualTo(180_000.0);
    assertThat(waited.path("outcome").asText()).isEqualTo("approve");
  }

  private static String stdoutOf(Runnable work) {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      work.run();
    } finally {
      System.setOut(original);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static JsonNode only(String output) throws IOException {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).as(output).hasSize(1);
    return Json.MAPPER.readTree(lines.get(0));
  }
}

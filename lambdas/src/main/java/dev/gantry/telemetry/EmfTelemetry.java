package dev.gantry.telemetry;

import dev.gantry.model.TokenUsage;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * {@link Telemetry} in Lambda: each event is one CloudWatch Embedded Metric Format document written
 * at once to standard output (Powertools for AWS Lambda (Java) v2 metrics, {@code flushMetrics}),
 * which CloudWatch Logs turns into metrics of namespace {@value GantryMetrics#NAMESPACE}; warnings
 * and the ignored pushes go to the JSON log. Each document names its own dimension sets, so the
 * environment's default dimensions (function name, service type, log group) are left out and a
 * metric keeps the same dimensions in every function. Outside Lambda the EMF library needs {@code
 * AWS_EMF_ENVIRONMENT=Local} (it would otherwise probe for an agent).
 */
public final class EmfTelemetry implements Telemetry {
  private static final Logger LOG = LoggerFactory.getLogger(EmfTelemetry.class);

  private final Metrics metrics;

  /** On Powertools' metrics instance, with the namespace set. */
  public EmfTelemetry() {
    this(MetricsFactory.getMetricsInstance());
  }

  /** @param metrics where the documents go (its namespace is set to {@value GantryMetrics#NAMESPACE}) */
  public EmfTelemetry(Metrics metrics) {
    this.metrics = metrics;
    metrics.setNamespace(GantryMetrics.NAMESPACE);
  }

  @Override
  public void sessionStarted(String pipeline, String trigger) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline), GantryMetrics.TRIGGER, known(trigger)));
      m.addMetric(GantryMetrics.SESSIONS_STARTED, 1, MetricUnit.COUNT);
    });
  }

  @Override
  public void stageEnded(String pipeline, String stage, String outcome, long durationMillis, TokenUsage usage) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline), GantryMetrics.STAGE, known(stage),
          GantryMetrics.OUTCOME, known(outcome)));
      m.addDimension(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline), GantryMetrics.STAGE, known(stage)));
      m.addDimension(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline)));
      m.addMetric(GantryMetrics.STAGE_DURATION, Math.max(0, durationMillis), MetricUnit.MILLISECONDS);
      m.addMetric(GantryMetrics.STAGES_ENDED, 1, MetricUnit.COUNT);
      m.addMetric(GantryMetrics.INPUT_TOKENS, usage.inputTokens(), MetricUnit.COUNT);
      m.addMetric(GantryMetrics.OUTPUT_TOKENS, usage.outputTokens(), MetricUnit.COUNT);
      m.addMetric(GantryMetrics.CACHE_READ_TOKENS, usage.cacheReadTokens(), MetricUnit.COUNT);
      m.addMetric(GantryMetrics.CACHE_WRITE_TOKENS, usage.cacheWriteTokens(), MetricUnit.COUNT);
      m.addMetric(GantryMetrics.COST_USD, usage.costUsd(), MetricUnit.NONE);
    });
  }

  @Override
  public void stageRetried(String pipeline, String stage, int attempt, String error) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline), GantryMetrics.STAGE, known(stage)));
      m.addMetric(GantryMetrics.STAGE_RETRIES, 1, MetricUnit.COUNT);
    });
  }

  @Override
  public void approvalDecided(String pipeline, String decision, Duration waited) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline), GantryMetrics.OUTCOME, known(decision)));
      m.addMetric(GantryMetrics.APPROVAL_WAIT, Math.max(0, waited.toMillis()), MetricUnit.MILLISECONDS);
    });
  }

  @Override
  public void decisionRefused(String pipeline, String sessionId, String reason) {
    LOG.warn("approval decision on session {} refused: {}", sessionId, reason);
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline)));
      m.addMetric(GantryMetrics.DECISIONS_REFUSED, 1, MetricUnit.COUNT);
    });
  }

  @Override
  public void approvalsWaiting(String pipeline, int count) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PIPELINE, known(pipeline)));
      m.addMetric(GantryMetrics.APPROVALS_WAITING, count, MetricUnit.COUNT);
    });
  }

  @Override
  public void pushIgnored(String reason) {
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.REASON, known(reason)));
      m.addMetric(GantryMetrics.PUSHES_IGNORED, 1, MetricUnit.COUNT);
    });
  }

  @Override
  public void webhookSignatureFailed(String provider) {
    LOG.warn("{} webhook delivery refused: its signature or token does not match the webhook secret", provider);
    emit(m -> {
      m.setDefaultDimensions(DimensionSet.of(GantryMetrics.PROVIDER, known(provider)));
      m.addMetric(GantryMetrics.WEBHOOK_SIGNATURE_FAILURES, 1, MetricUnit.COUNT);
    });
  }

  /** Writes one document; a metrics failure is logged, never thrown into the work it describes. */
  private void emit(Consumer<Metrics> document) {
    try {
      metrics.flushMetrics(document);
    } catch (RuntimeException e) {
      LOG.warn("metrics not written: {}", e.toString());
    }
  }

  /** EMF refuses empty dimension values. */
  private static String known(String value) {
    return value == null || value.isBlank() ? "unknown" : value;
  }
}

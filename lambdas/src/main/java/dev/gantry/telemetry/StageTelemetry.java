package dev.gantry.telemetry;

import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageListener;
import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage functions' {@link StageListener}: one INFO line when a stage starts and one when it
 * ends, with its outcome, duration (ms), tokens and cost (USD), and the stage metrics ({@link
 * Telemetry#stageEnded}). The line's fields come from the MDC ({@link TaskLog}); the numbers are
 * set as MDC keys for the end line only ({@code durationMillis}, {@code inputTokens}, {@code
 * outputTokens}, {@code cacheReadTokens}, {@code cacheWriteTokens}, {@code costUsd}, {@code
 * outcome}), so a Logs Insights query can sum them. The summary line of a stage is not logged: it
 * may quote what an agent wrote.
 */
public final class StageTelemetry implements StageListener {
  private static final Logger LOG = LoggerFactory.getLogger(StageTelemetry.class);

  private final Telemetry telemetry;

  /** @param telemetry where the stage metrics go */
  public StageTelemetry(Telemetry telemetry) {
    this.telemetry = telemetry;
  }

  @Override
  public void stageStarted(Session session, StageDefinition stage) {
    try (TaskLog.Scope ignored = TaskLog.with(java.util.Map.of(TaskLog.PIPELINE, session.pipeline()))) {
      LOG.info("stage {} started", stage.name());
    }
  }

  @Override
  public void stageEnded(Session session, StageDefinition stage, StageRecord record) {
    String outcome = record.status().name();
    TokenUsage usage = record.usage() == null ? TokenUsage.ZERO : record.usage();
    java.util.Map<String, Object> numbers = new java.util.LinkedHashMap<>();
    numbers.put(TaskLog.PIPELINE, session.pipeline());
    numbers.put("outcome", outcome);
    numbers.put("durationMillis", record.durationMillis());
    numbers.put("inputTokens", usage.inputTokens());
    numbers.put("outputTokens", usage.outputTokens());
    numbers.put("cacheReadTokens", usage.cacheReadTokens());
    numbers.put("cacheWriteTokens", usage.cacheWriteTokens());
    numbers.put("costUsd", String.format(Locale.ROOT, "%.6f", usage.costUsd()));
    try (TaskLog.Scope ignored = TaskLog.with(numbers)) {
      if (record.endedAt() == null) {
        LOG.info("stage {} waiting ({})", stage.name(), outcome);
        return;
      }
      if (record.status().completed()) {
        LOG.info("stage {} ended {} in {} ms: {} input, {} output, {} cache-read tokens, ${}", stage.name(), outcome,
            record.durationMillis(), usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(), numbers.get("costUsd"));
      } else {
        LOG.warn("stage {} ended {} in {} ms after {} attempts: {} input, {} output tokens, ${}", stage.name(), outcome,
            record.durationMillis(), record.attempts(), usage.inputTokens(), usage.outputTokens(), numbers.get("costUsd"));
      }
    }
    telemetry.stageEnded(session.pipeline(), stage.name(), outcome, record.durationMillis(), usage);
  }
}

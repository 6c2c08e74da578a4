package dev.gantry.local;

import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageListener;
import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;
import java.io.PrintStream;
import java.util.Locale;

/** Prints each stage as it starts and ends: name, duration, outcome and summary. */
final class ConsoleOutput implements StageListener {
  private final PrintStream out;

  ConsoleOutput(PrintStream out) {
    this.out = out;
  }

  @Override
  public void stageStarted(Session session, StageDefinition stage) {
    out.printf("  %-10s started%n", stage.name());
  }

  @Override
  public void stageEnded(Session session, StageDefinition stage, StageRecord record) {
    String duration = record.endedAt() == null ? "" : seconds(record.durationMillis()) + "  ";
    out.printf("  %-10s %s %s%s%n", stage.name(), record.status(), duration, record.summary() == null ? "" : record.summary());
  }

  static String seconds(long millis) {
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /**
   * Usage on one line: {@code 412 in + 1800 cache-write + 0 cache-read / 57 out tokens, $0.0077}
   * (cost in USD from the dated price table; 0 for the offline model).
   */
  static String usage(dev.gantry.model.TokenUsage usage) {
    return String.format(java.util.Locale.ROOT, "%d in + %d cache-write + %d cache-read / %d out tokens, $%.4f",
        usage.inputTokens(), usage.cacheWriteTokens(), usage.cacheReadTokens(), usage.outputTokens(), usage.costUsd());
  }
}

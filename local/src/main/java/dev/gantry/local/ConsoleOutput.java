package dev.gantry.local;

import dev.gantry.agent.Transcript;
import dev.gantry.model.TokenUsage;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StageListener;
import dev.gantry.session.Session;
import dev.gantry.session.StageRecord;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Prints each stage as it starts and ends (name, duration, outcome and summary) and, while an agent
 * stage runs, its progress after each model or tool call: turns, tool calls, tokens and cost so far.
 * On a terminal the progress line is rewritten in place (carriage return, then ANSI "erase to end of
 * line", {@code ESC [ K}); otherwise each model call's progress is a plain line of its own, which a
 * log file or a pipe keeps readable.
 */
final class ConsoleOutput implements StageListener {
  private final PrintStream out;
  private final boolean terminal;
  private int turns;
  private int toolCalls;
  private TokenUsage usage = TokenUsage.ZERO;
  private boolean lineOpen;

  /** Progress in place when the JVM has a console (standard output is a terminal). */
  ConsoleOutput(PrintStream out) {
    this(out, out == System.out && System.console() != null);
  }

  /** @param terminal whether to rewrite the progress line in place */
  ConsoleOutput(PrintStream out, boolean terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  @Override
  public synchronized void stageStarted(Session session, StageDefinition stage) {
    turns = 0;
    toolCalls = 0;
    usage = TokenUsage.ZERO;
    out.printf("  %-10s started%n", stage.name());
  }

  @Override
  public synchronized void agentCalled(Session session, StageDefinition stage, Transcript.Entry entry) {
    if (entry instanceof Transcript.ModelCall call) {
      turns = Math.max(turns, call.turn());
      usage = usage.plus(call.usage());
    } else {
      toolCalls++;
    }
    String progress = String.format(Locale.ROOT, "  %-10s turn %d, %d tool calls, %d tokens, $%.4f", stage.name(), turns, toolCalls,
        usage.totalTokens(), usage.costUsd());
    if (terminal) {
      out.print("\r" + progress + "\u001b[K");
      out.flush();
      lineOpen = true;
    } else if (entry instanceof Transcript.ModelCall) {
      out.println(progress);
    }
  }

  @Override
  public synchronized void stageEnded(Session session, StageDefinition stage, StageRecord record) {
    if (lineOpen) {
      out.print("\r\u001b[K");
      lineOpen = false;
    }
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
  static String usage(TokenUsage usage) {
    return String.format(java.util.Locale.ROOT, "%d in + %d cache-write + %d cache-read / %d out tokens, $%.4f",
        usage.inputTokens(), usage.cacheWriteTokens(), usage.cacheReadTokens(), usage.outputTokens(), usage.costUsd());
  }
}

package dev.gantry.local;

import dev.gantry.agent.Transcript;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A stage's transcript ({@code transcript-<stage>.jsonl}, see {@link Transcript}) as {@code gantry
 * show ID --transcript STAGE} prints it: a heading, then one line per call with its turn, kind, the
 * model or tool, its size (tokens and stop reason for a model call; result bytes and the first 12
 * hex digits of the result's SHA-256 for a tool call), its duration in milliseconds and its error.
 */
final class TranscriptLines {
  private static final String FORMAT = "  %4s  %-10s  %-44s  %-40s  %8s  %s";

  private TranscriptLines() {}

  /**
   * The lines for {@code entries}, heading first.
   *
   * @param entries a transcript as {@link Transcript#parse} reads it
   */
  static List<String> of(List<Transcript.Entry> entries) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format(Locale.ROOT, FORMAT, "TURN", "KIND", "MODEL/TOOL", "SIZE", "DURATION", "ERROR").stripTrailing());
    for (Transcript.Entry entry : entries) {
      if (entry instanceof Transcript.ModelCall call) {
        String size = call.error() != null ? "-" : String.format(Locale.ROOT, "%d in / %d out tokens, %s",
            call.usage().inputTokens() + call.usage().cacheReadTokens() + call.usage().cacheWriteTokens(),
            call.usage().outputTokens(), call.stopReason().name().toLowerCase(Locale.ROOT));
        lines.add(line(call.turn(), call.kind(), call.modelId(), size, call.durationMs(), call.error()));
      } else if (entry instanceof Transcript.ToolCall call) {
        String size = call.resultSha256() == null ? "-"
            : call.resultBytes() + " bytes, sha256 " + call.resultSha256().substring(0, 12);
        lines.add(line(call.turn(), call.kind(), call.tool(), size, call.durationMs(), call.error()));
      }
    }
    return lines;
  }

  private static String line(int turn, String kind, String name, String size, long durationMs, String error) {
    return String.format(Locale.ROOT, FORMAT, turn, kind, GantryCommand.abbreviate(name, 44), size, durationMs + " ms",
        error == null ? "" : GantryCommand.abbreviate(error.replace('\n', ' '), 120)).stripTrailing();
  }
}

package dev.gantry.pipeline.replay;

import dev.gantry.agent.Transcript;
import dev.gantry.pipeline.replay.ReplayReport.Divergence;
import dev.gantry.session.StageRecord;
import dev.gantry.session.StageStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Compares one replayed stage with its recording, in this order: its tool calls one by one (tool,
 * input, SHA-256 of the result), its model calls (a replay that asked for more than were recorded, or
 * stopped sooner), its outcome, then each document it wrote (the original's stored copy against the
 * SHA-256 recorded on the session, then the replay's against that SHA-256). Collects every
 * difference; the first one found is the first in the pipeline's order.
 */
final class ReplayComparison {
  private final String original;
  private final List<Divergence> divergences = new ArrayList<>();
  private int toolResults;
  private int documents;

  /** @param original the id of the session replayed, for messages */
  ReplayComparison(String original) {
    this.original = original;
  }

  /**
   * A stage as replayed against its recording.
   *
   * @param stage the stage name
   * @param recorded the original's transcript entries; null for a stage without an agent
   * @param replayed the replay's transcript entries (empty when it wrote none); null without an agent
   * @param outcome the stage's record in the replay session, null when the replay never reached it
   * @param recordedDocuments name → SHA-256 of the documents the original's stage wrote (transcripts
   *     and documents that are not compared left out)
   * @param replayedDocuments the same for the replay's stage
   * @param stored name → SHA-256 of the original's document as stored now, or null when it is missing
   */
  void stage(String stage, List<Transcript.Entry> recorded, List<Transcript.Entry> replayed, StageRecord outcome,
      Map<String, String> recordedDocuments, Map<String, String> replayedDocuments, Function<String, String> stored) {
    if (outcome == null) {
      add(stage, null, "not reached: the replay ended before it");
      return;
    }
    boolean failed = outcome.status() != StageStatus.SUCCEEDED;
    if (recorded != null && !(failed && replayed.isEmpty())) { // a stage that failed before its first call: say why
      calls(stage, recorded, replayed, outcome);
    }
    if (failed) {
      add(stage, null, outcome.status() + " in the replay: " + outcome.summary());
    }
    for (String name : new TreeSet<>(recordedDocuments.keySet())) {
      String recordedSha = recordedDocuments.get(name);
      String storedSha = stored.apply(name);
      if (storedSha == null) {
        add(stage, null, name + " of session " + original + " is missing from the document store (recorded sha256 "
            + shortSha(recordedSha) + ")");
      } else if (!storedSha.equals(recordedSha)) {
        add(stage, null, name + " of session " + original + " was changed after it was written: stored sha256 "
            + shortSha(storedSha) + ", recorded " + shortSha(recordedSha)
            + (recordedSha.equals(replayedDocuments.get(name)) ? "; the replay wrote the recorded one" : ""));
      }
      String replayedSha = replayedDocuments.get(name);
      if (replayedSha == null) {
        if (outcome.status() == StageStatus.SUCCEEDED) {
          add(stage, null, "the replay did not write " + name + " (recorded sha256 " + shortSha(recordedSha) + ")");
        }
      } else {
        documents++;
        if (!replayedSha.equals(recordedSha)) {
          add(stage, null, name + " sha256 " + shortSha(replayedSha) + " differs from the recorded " + shortSha(recordedSha));
        }
      }
    }
    for (String name : new TreeSet<>(replayedDocuments.keySet())) {
      if (!recordedDocuments.containsKey(name)) {
        add(stage, null, "the replay wrote " + name + ", which the stage did not write in session " + original);
      }
    }
  }

  /** Tool calls in order, then the model calls' count and errors. */
  private void calls(String stage, List<Transcript.Entry> recorded, List<Transcript.Entry> replayed, StageRecord outcome) {
    List<Transcript.ToolCall> wanted = only(recorded, Transcript.ToolCall.class);
    List<Transcript.ToolCall> got = only(replayed, Transcript.ToolCall.class);
    for (int i = 0; i < Math.min(wanted.size(), got.size()); i++) {
      Transcript.ToolCall want = wanted.get(i);
      Transcript.ToolCall call = got.get(i);
      if (!want.tool().equals(call.tool()) || !Objects.equals(want.input(), call.input())) {
        add(stage, call.turn(), "the replay called " + call.tool() + " " + call.input() + " where the recording has "
            + want.tool() + " " + want.input());
        return;
      }
      toolResults++;
      if (!Objects.equals(want.resultSha256(), call.resultSha256())) {
        add(stage, call.turn(), "tool " + call.tool() + " result sha256 " + shortSha(call.resultSha256())
            + " differs from the recorded " + shortSha(want.resultSha256())
            + (call.error() != null && want.error() == null ? " (the replay's tool answered: " + abbreviate(call.error()) + ")"
                : want.error() != null && call.error() == null ? " (the recorded call failed: " + abbreviate(want.error()) + ")" : ""));
      }
    }
    if (got.size() < wanted.size()) {
      Transcript.ToolCall missing = wanted.get(got.size());
      add(stage, missing.turn(), "the replay made no " + missing.tool() + " call where the recording has one ("
          + (wanted.size() - got.size()) + " recorded tool calls not made"
          + (outcome.status() == StageStatus.SUCCEEDED ? ")" : "; the stage " + outcome.status() + ": " + outcome.summary() + ")"));
    } else if (got.size() > wanted.size()) {
      Transcript.ToolCall extra = got.get(wanted.size());
      add(stage, extra.turn(), "the replay made a " + extra.tool() + " call the recording does not have");
    }
    List<Transcript.ModelCall> answers = only(recorded, Transcript.ModelCall.class);
    List<Transcript.ModelCall> asked = only(replayed, Transcript.ModelCall.class);
    asked.stream().filter(call -> call.error() != null).findFirst()
        .ifPresent(failed -> add(stage, failed.turn(), failed.error()));
    if (asked.size() < answers.size() && asked.stream().noneMatch(call -> call.error() != null)) {
      add(stage, asked.size() + 1, "the replay stopped after " + asked.size() + " model calls; the recording has "
          + answers.size());
    }
  }

  private void add(String stage, Integer turn, String difference) {
    divergences.add(new Divergence(stage, turn, difference));
  }

  /** Every difference found, in the order found. */
  List<Divergence> divergences() {
    return List.copyOf(divergences);
  }

  /** Tool results compared. */
  int toolResults() {
    return toolResults;
  }

  /** Documents compared. */
  int documents() {
    return documents;
  }

  private static <T> List<T> only(List<Transcript.Entry> entries, Class<T> type) {
    return entries.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The first 12 hex digits and {@code ...}, as people compare digests by eye; {@code none} for null. */
  static String shortSha(String sha256) {
    return sha256 == null ? "none" : sha256.length() <= 12 ? sha256 : sha256.substring(0, 12) + "...";
  }

  private static String abbreviate(String text) {
    String flat = text.replace('\n', ' ');
    return flat.length() <= 120 ? flat : flat.substring(0, 117) + "...";
  }
}

package dev.gantry.pipeline.replay;

import dev.gantry.session.SessionStatus;
import java.util.List;

/**
 * What a replay found, as {@code gantry replay} prints it and the replay session keeps it in {@value
 * SessionReplay#DOCUMENT}.
 *
 * @param replayOf the session whose recording was replayed
 * @param sessionId the replay session
 * @param pipeline the pipeline both sessions belong to
 * @param status how the replay session ended ({@code SUCCEEDED}, or {@code FAILED} at a stage that
 *     failed in the replay)
 * @param copied stages taken over from the original as they were (the checkout and its snapshot)
 * @param replayed stages re-run with the recorded model answers, in order
 * @param notReplayed the other stages of the pipeline, each with the reason
 * @param notCompared documents the replayed stages wrote that are not compared, each with the reason
 * @param toolResultsCompared tool results whose SHA-256 was compared with the recorded one
 * @param documentsCompared documents whose SHA-256 was compared with the original's
 * @param divergences every difference found, the first first; empty when the replay is identical
 */
public record ReplayReport(
    String replayOf,
    String sessionId,
    String pipeline,
    SessionStatus status,
    List<String> copied,
    List<String> replayed,
    List<Excluded> notReplayed,
    List<Excluded> notCompared,
    int toolResultsCompared,
    int documentsCompared,
    List<Divergence> divergences) {

  public ReplayReport {
    copied = List.copyOf(copied);
    replayed = List.copyOf(replayed);
    notReplayed = List.copyOf(notReplayed);
    notCompared = List.copyOf(notCompared);
    divergences = List.copyOf(divergences);
  }

  /** Whether every compared tool result and document matched the recording. */
  public boolean identical() {
    return divergences.isEmpty();
  }

  /**
   * A stage the replay did not run, or a document it did not compare.
   *
   * @param name the stage or document name
   * @param reason why, e.g. {@code calls CloudFormation (MAKE_CHANGE_SETS)}
   */
  public record Excluded(String name, String reason) {}

  /**
   * One difference between the replay and the recording.
   *
   * @param stage the stage it was found in
   * @param turn the 1-based model call it belongs to, or null for a document or the stage's outcome
   * @param difference what differed, e.g. {@code tool read_file result sha256 3f2a9c1b7d0e... differs
   *     from the recorded 9b1c...}
   */
  public record Divergence(String stage, Integer turn, String difference) {
    /** {@code stage plan, turn 3: ...} or {@code stage validate: ...}. */
    public String describe() {
      return "stage " + stage + (turn == null ? "" : ", turn " + turn) + ": " + difference;
    }
  }
}

package dev.gantry.pipeline;

import dev.gantry.model.TokenUsage;
import java.util.List;
import java.util.Map;

/**
 * The result of a stage attempt that returned normally.
 *
 * @param succeeded false ends the session FAILED at this stage (e.g. a failed validation)
 * @param summary one line for the CLI, the session and the audit log
 * @param usage model tokens consumed
 * @param droppedTools frontmatter tools not offered, with the reason
 * @param pendingDigest the template digest to approve, set by the validate stage
 */
public record StageOutcome(
    boolean succeeded,
    String summary,
    TokenUsage usage,
    List<String> droppedTools,
    String pendingDigest) {

  public StageOutcome {
    droppedTools = List.copyOf(droppedTools);
  }

  /** A success without model use. */
  public static StageOutcome success(String summary) {
    return new StageOutcome(true, summary, TokenUsage.ZERO, List.of(), null);
  }

  /** A failure without model use. */
  public static StageOutcome failure(String summary) {
    return new StageOutcome(false, summary, TokenUsage.ZERO, List.of(), null);
  }

  /** Small facts for the audit entry. */
  Map<String, String> auditDetails() {
    return Map.of(
        "summary", summary,
        "inputTokens", Long.toString(usage.inputTokens()),
        "outputTokens", Long.toString(usage.outputTokens()),
        "droppedTools", String.join("; ", droppedTools));
  }
}

package dev.gantry.pipeline;

import dev.gantry.agent.AgentRunner;
import dev.gantry.model.TokenUsage;
import dev.gantry.repo.RepositoryCheckout;
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
 * @param modelCalls the model calls of the stage's agent, for the audit entry
 * @param checkout what the checkout stage pinned (commit, counts), recorded on the session; else null
 */
public record StageOutcome(
    boolean succeeded,
    String summary,
    TokenUsage usage,
    List<String> droppedTools,
    String pendingDigest,
    List<AgentRunner.ModelCall> modelCalls,
    RepositoryCheckout checkout) {

  public StageOutcome {
    droppedTools = List.copyOf(droppedTools);
    modelCalls = List.copyOf(modelCalls);
  }

  /** An outcome of an agent stage. */
  public StageOutcome(boolean succeeded, String summary, TokenUsage usage, List<String> droppedTools, String pendingDigest,
      List<AgentRunner.ModelCall> modelCalls) {
    this(succeeded, summary, usage, droppedTools, pendingDigest, modelCalls, null);
  }

  /** The checkout stage's success: the repository pinned to {@code checkout}'s commit. */
  public static StageOutcome checkedOut(String summary, RepositoryCheckout checkout) {
    return new StageOutcome(true, summary, TokenUsage.ZERO, List.of(), null, List.of(), checkout);
  }

  /** An outcome without model calls. */
  public StageOutcome(boolean succeeded, String summary, TokenUsage usage, List<String> droppedTools, String pendingDigest) {
    this(succeeded, summary, usage, droppedTools, pendingDigest, List.of());
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
    Map<String, String> details = new java.util.LinkedHashMap<>(usageDetails(usage, modelCalls));
    details.put("summary", summary);
    details.put("droppedTools", String.join("; ", droppedTools));
    if (checkout != null) {
      details.putAll(checkout.auditDetails());
    }
    return details;
  }

  /**
   * Usage facts for an audit entry: the stage's tokens, cost in USD, and each model call as {@code
   * {"input", "output", "cacheRead", "cacheWrite", "costUsd", "latencyMs"}} in a JSON array.
   */
  static Map<String, String> usageDetails(TokenUsage usage, List<AgentRunner.ModelCall> calls) {
    Map<String, String> details = new java.util.LinkedHashMap<>();
    details.put("inputTokens", Long.toString(usage.inputTokens()));
    details.put("outputTokens", Long.toString(usage.outputTokens()));
    details.put("cacheReadTokens", Long.toString(usage.cacheReadTokens()));
    details.put("cacheWriteTokens", Long.toString(usage.cacheWriteTokens()));
    details.put("costUsd", String.format(java.util.Locale.ROOT, "%.6f", usage.costUsd()));
    if (!calls.isEmpty()) {
      details.put("modelCalls", dev.gantry.json.Json.write(calls.stream().map(c -> Map.of(
          "input", c.usage().inputTokens(), "output", c.usage().outputTokens(),
          "cacheRead", c.usage().cacheReadTokens(), "cacheWrite", c.usage().cacheWriteTokens(),
          "costUsd", c.usage().costUsd(), "latencyMs", c.latencyMillis())).toList()));
    }
    return details;
  }
}

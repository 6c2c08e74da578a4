package dev.gantry.pipeline;

import dev.gantry.agent.AgentRunner;
import dev.gantry.deploy.PendingChangeSet;
import dev.gantry.deploy.ValidationFindings;
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
 * @param pendingChangeSet the change set to approve, set by the changeset stage; else null
 * @param validationFindings the findings of the report the validate stage wrote, to keep on the
 *     session, passed or not; null for other stages and for reports too large to keep
 * @param next what happens after a successful outcome
 */
public record StageOutcome(
    boolean succeeded,
    String summary,
    TokenUsage usage,
    List<String> droppedTools,
    String pendingDigest,
    List<AgentRunner.ModelCall> modelCalls,
    RepositoryCheckout checkout,
    PendingChangeSet pendingChangeSet,
    ValidationFindings validationFindings,
    Next next) {

  /** What follows a stage's successful look. */
  public enum Next {
    /** The stage is done; the next declared stage runs. */
    PROCEED,
    /** A polling stage's outside work is still in progress: look again after the declared interval. */
    WAIT,
    /** The stage is done and so is the session: it ends SUCCEEDED without the remaining stages (nothing to deploy). */
    END_SESSION
  }

  public StageOutcome {
    droppedTools = List.copyOf(droppedTools);
    modelCalls = List.copyOf(modelCalls);
    next = next == null ? Next.PROCEED : next;
    if (!succeeded && next != Next.PROCEED) {
      throw new IllegalArgumentException("a failed outcome ends the session: it neither waits nor ends it SUCCEEDED");
    }
  }

  /** An outcome of an agent stage. */
  public StageOutcome(boolean succeeded, String summary, TokenUsage usage, List<String> droppedTools, String pendingDigest,
      List<AgentRunner.ModelCall> modelCalls) {
    this(succeeded, summary, usage, droppedTools, pendingDigest, modelCalls, null, null, null, Next.PROCEED);
  }

  /** The checkout stage's success: the repository pinned to {@code checkout}'s commit. */
  public static StageOutcome checkedOut(String summary, RepositoryCheckout checkout) {
    return new StageOutcome(true, summary, TokenUsage.ZERO, List.of(), null, List.of(), checkout, null, null, Next.PROCEED);
  }

  /**
   * A polling stage's look that found its outside work in progress.
   *
   * @param summary where the work is, e.g. {@code "stack gantry-shop UPDATE_IN_PROGRESS"}; a new
   *     summary is recorded with a {@code StageProgress} audit entry, a repeated one is not
   */
  public static StageOutcome waiting(String summary) {
    return new StageOutcome(true, summary, TokenUsage.ZERO, List.of(), null, List.of(), null, null, null, Next.WAIT);
  }

  /** The stage succeeded and nothing is left to do: the session ends SUCCEEDED, skipping the remaining stages. */
  public static StageOutcome endSession(String summary) {
    return new StageOutcome(true, summary, TokenUsage.ZERO, List.of(), null, List.of(), null, null, null, Next.END_SESSION);
  }

  /** This outcome with the change set to approve. */
  public StageOutcome withPendingChangeSet(PendingChangeSet changeSet) {
    return new StageOutcome(succeeded, summary, usage, droppedTools, pendingDigest, modelCalls, checkout, changeSet,
        validationFindings, next);
  }

  /** This outcome with the validation findings to keep on the session (null keeps none). */
  public StageOutcome withValidationFindings(ValidationFindings kept) {
    return new StageOutcome(succeeded, summary, usage, droppedTools, pendingDigest, modelCalls, checkout, pendingChangeSet,
        kept, next);
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
    if (pendingChangeSet != null) {
      details.put("changeSetId", pendingChangeSet.changeSetId());
      details.put("changeSetDigest", pendingChangeSet.sha256());
      details.put("changeSetSummary", pendingChangeSet.summary().toString());
      details.put("riskFlags", Integer.toString(pendingChangeSet.risks().size()));
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

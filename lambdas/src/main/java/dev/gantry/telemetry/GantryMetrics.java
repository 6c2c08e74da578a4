package dev.gantry.telemetry;

import java.util.List;

/**
 * The names of Gantry's CloudWatch metrics, declared once: {@link EmfTelemetry} writes them as
 * Embedded Metric Format lines, the CDK stack's dashboard and alarms read them. One namespace, and
 * few dimensions per metric (never a session id: each distinct dimension value is a metric of its
 * own, billed as such).
 *
 * <p>Dimension sets, each a metric of its own in CloudWatch (EMF specification, "Dimensions"):
 * <ul>
 *   <li>{@link #SESSIONS_STARTED} (Count): {@code [pipeline, trigger]}
 *   <li>stage metrics ({@link #STAGE_METRICS}): {@code [pipeline, stage, outcome]}, {@code [pipeline,
 *       stage]} and {@code [pipeline]}
 *   <li>{@link #STAGE_RETRIES} (Count): {@code [pipeline, stage]}
 *   <li>{@link #APPROVAL_WAIT} (Milliseconds, from the approval request to the decision): {@code
 *       [pipeline, outcome]} with outcome {@code approve} or {@code reject}
 *   <li>{@link #APPROVALS_WAITING} (Count, a gauge written every sweep): {@code [pipeline]}
 *   <li>{@link #PUSHES_IGNORED} (Count): {@code [reason]} ({@link dev.gantry.push.PushRules.Ignored})
 *   <li>{@link #WEBHOOK_SIGNATURE_FAILURES} (Count): {@code [provider]}
 *   <li>{@link #DECISIONS_REFUSED} (Count): {@code [pipeline]}
 * </ul>
 */
public final class GantryMetrics {
  private GantryMetrics() {}

  /** The one CloudWatch namespace. */
  public static final String NAMESPACE = "Gantry";

  /** Dimension: the pipeline's name ({@code deliver}). */
  public static final String PIPELINE = "pipeline";
  /** Dimension: the stage's name ({@code architect}). */
  public static final String STAGE = "stage";
  /** Dimension: how a stage or approval ended ({@code SUCCEEDED}, {@code FAILED}; {@code approve}, {@code reject}). */
  public static final String OUTCOME = "outcome";
  /** Dimension: what started a session ({@code api}, {@code push}). */
  public static final String TRIGGER = "trigger";
  /** Dimension: why a push started nothing. */
  public static final String REASON = "reason";
  /** Dimension: the webhook's provider ({@code github}, {@code gitlab}). */
  public static final String PROVIDER = "provider";

  /** Sessions created (not a repeat of an idempotent request). */
  public static final String SESSIONS_STARTED = "SessionsStarted";
  /** How long a stage ran, first attempt to end, in milliseconds. */
  public static final String STAGE_DURATION = "StageDuration";
  /** 1 per stage end. */
  public static final String STAGES_ENDED = "StagesEnded";
  /** Model input tokens not served from or written to the prompt cache. */
  public static final String INPUT_TOKENS = "ModelInputTokens";
  /** Model output tokens. */
  public static final String OUTPUT_TOKENS = "ModelOutputTokens";
  /** Input tokens read from the prompt cache. */
  public static final String CACHE_READ_TOKENS = "ModelCacheReadTokens";
  /** Input tokens written to the prompt cache. */
  public static final String CACHE_WRITE_TOKENS = "ModelCacheWriteTokens";
  /** What a stage's model calls cost, in US dollars (unit None: CloudWatch has no currency unit). */
  public static final String COST_USD = "ModelCostUsd";
  /** Every metric written at a stage's end, with the stage dimension sets. */
  public static final List<String> STAGE_METRICS =
      List.of(STAGE_DURATION, STAGES_ENDED, INPUT_TOKENS, OUTPUT_TOKENS, CACHE_READ_TOKENS, CACHE_WRITE_TOKENS, COST_USD);
  /** 1 per failed attempt the state machine retries. */
  public static final String STAGE_RETRIES = "StageRetries";
  /** From the approval request to the decision, in milliseconds. */
  public static final String APPROVAL_WAIT = "ApprovalWait";
  /** Sessions awaiting approval when the decision sweep ran. */
  public static final String APPROVALS_WAITING = "ApprovalsWaiting";
  /** Pushes that started no session. */
  public static final String PUSHES_IGNORED = "PushesIgnored";
  /** Webhook deliveries whose signature or token did not match. */
  public static final String WEBHOOK_SIGNATURE_FAILURES = "WebhookSignatureFailures";
  /** Approval decisions refused (a second decision, a stale digest, self-approval). */
  public static final String DECISIONS_REFUSED = "DecisionsRefused";
}

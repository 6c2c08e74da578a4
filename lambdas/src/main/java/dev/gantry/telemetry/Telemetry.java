package dev.gantry.telemetry;

import dev.gantry.model.TokenUsage;
import java.time.Duration;

/**
 * What Gantry tells its operators beyond the session's own record: metrics ({@link GantryMetrics})
 * and warnings. In Lambda {@link EmfTelemetry} writes CloudWatch Embedded Metric Format lines and
 * JSON log lines; on one machine {@link #NONE} keeps the gantry command's output as it is. Never
 * throws, never receives document content, prompts, task tokens or secrets.
 */
public interface Telemetry {
  /** A session was created by {@code trigger} ({@code api}, {@code push}) for {@code pipeline}. */
  void sessionStarted(String pipeline, String trigger);

  /**
   * A stage ended.
   *
   * @param outcome the stage's status ({@code SUCCEEDED}, {@code FAILED})
   * @param durationMillis first attempt's start to the end, in milliseconds
   * @param usage the stage's model tokens and cost
   */
  void stageEnded(String pipeline, String stage, String outcome, long durationMillis, TokenUsage usage);

  /**
   * An attempt failed with a retryable error and the state machine retries it.
   *
   * @param attempt the attempt that failed, 1-based
   * @param error the error's class name (never its message, which may quote a model's answer)
   */
  void stageRetried(String pipeline, String stage, int attempt, String error);

  /**
   * A reviewer decided.
   *
   * @param decision {@code approve} or {@code reject}
   * @param waited from the approval request to the decision
   */
  void approvalDecided(String pipeline, String decision, Duration waited);

  /**
   * A decision was refused.
   *
   * @param sessionId the session
   * @param reason the refusal's exception class' simple name
   */
  void decisionRefused(String pipeline, String sessionId, String reason);

  /** {@code count} sessions of {@code pipeline} await a decision now. */
  void approvalsWaiting(String pipeline, int count);

  /**
   * A push started no session (the handler logs the delivery id and the one-line reason).
   *
   * @param reason a short code ({@link dev.gantry.push.PushRules.Ignored})
   */
  void pushIgnored(String reason);

  /** A webhook delivery's signature or token did not match; {@code provider} is github or gitlab. */
  void webhookSignatureFailed(String provider);

  /** Tells nobody: the gantry command's default. */
  Telemetry NONE =
      new Telemetry() {
        @Override
        public void sessionStarted(String pipeline, String trigger) {}

        @Override
        public void stageEnded(String pipeline, String stage, String outcome, long durationMillis, TokenUsage usage) {}

        @Override
        public void stageRetried(String pipeline, String stage, int attempt, String error) {}

        @Override
        public void approvalDecided(String pipeline, String decision, Duration waited) {}

        @Override
        public void decisionRefused(String pipeline, String sessionId, String reason) {}

        @Override
        public void approvalsWaiting(String pipeline, int count) {}

        @Override
        public void pushIgnored(String reason) {}

        @Override
        public void webhookSignatureFailed(String provider) {}
      };
}

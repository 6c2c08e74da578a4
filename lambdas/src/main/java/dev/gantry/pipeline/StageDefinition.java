package dev.gantry.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * One stage of the pipeline declaration.
 *
 * @param name the stage's id in sessions, audit entries and the CLI ({@code architect})
 * @param stateName the Step Functions state name ({@code Architect})
 * @param agent the agent definition name the stage runs, if it runs one
 * @param retry retry policy for transient errors
 * @param timeout how long one attempt may take; for the approval gate, how long the session may
 *     wait for a decision in all (the state's {@code TimeoutSeconds})
 * @param approvalGate true for the stage that waits for a human decision (a task token in AWS)
 * @param heartbeat for the approval gate: the longest wait without a heartbeat (the state's {@code
 *     HeartbeatSeconds}); empty for the other stages
 */
public record StageDefinition(
    String name,
    String stateName,
    Optional<String> agent,
    RetryPolicy retry,
    Duration timeout,
    boolean approvalGate,
    Optional<Duration> heartbeat) {

  public StageDefinition {
    if (heartbeat.isPresent() && !approvalGate) {
      throw new IllegalArgumentException(name + ": only the approval gate has a heartbeat");
    }
    if (heartbeat.isPresent() && heartbeat.get().compareTo(timeout) >= 0) {
      throw new IllegalArgumentException(name + ": the heartbeat must be shorter than the timeout");
    }
  }

  /** A stage without a heartbeat. */
  public StageDefinition(
      String name, String stateName, Optional<String> agent, RetryPolicy retry, Duration timeout, boolean approvalGate) {
    this(name, stateName, agent, retry, timeout, approvalGate, Optional.empty());
  }
}

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
 * @param timeout how long one attempt may take (the Lambda timeout must be longer)
 * @param approvalGate true for the stage that waits for a human decision (a task token in AWS)
 */
public record StageDefinition(
    String name,
    String stateName,
    Optional<String> agent,
    RetryPolicy retry,
    Duration timeout,
    boolean approvalGate) {}

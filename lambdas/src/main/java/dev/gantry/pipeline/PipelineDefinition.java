package dev.gantry.pipeline;

import dev.gantry.model.ModelThrottledException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one declaration of Gantry's stages, their order, agents, retry policies, timeouts and the
 * approval gate. The local executor runs it in-process; the CDK app builds the Step Functions state
 * machine from it.
 */
public record PipelineDefinition(List<StageDefinition> stages) {

  /** Stage names, in order. */
  public static final String ARCHITECT = "architect";
  public static final String PLAN = "plan";
  public static final String VALIDATE = "validate";
  public static final String APPROVAL = "approval";
  public static final String DEPLOY = "deploy";
  public static final String REPORT = "report";

  public PipelineDefinition {
    stages = List.copyOf(stages);
    if (stages.stream().filter(StageDefinition::approvalGate).count() > 1) {
      throw new IllegalArgumentException("a pipeline has at most one approval gate");
    }
  }

  /** architect → plan → validate → approval → deploy → report. */
  public static PipelineDefinition standard() {
    RetryPolicy modelRetry =
        new RetryPolicy(
            List.of(ModelThrottledException.class, TransientStageException.class),
            Duration.ofSeconds(2), 3, 2.0, Duration.ofSeconds(30));
    RetryPolicy storageRetry =
        new RetryPolicy(
            List.of(TransientStageException.class), Duration.ofSeconds(1), 2, 2.0, Duration.ofSeconds(10));
    return new PipelineDefinition(
        List.of(
            new StageDefinition(ARCHITECT, "Architect", Optional.of("architect"), modelRetry, Duration.ofMinutes(10), false),
            new StageDefinition(PLAN, "Plan", Optional.of("planner"), modelRetry, Duration.ofMinutes(10), false),
            new StageDefinition(VALIDATE, "Validate", Optional.empty(), storageRetry, Duration.ofMinutes(1), false),
            new StageDefinition(APPROVAL, "AwaitApproval", Optional.empty(), RetryPolicy.none(), Duration.ofDays(7), true),
            new StageDefinition(DEPLOY, "Deploy", Optional.of("deployer"), modelRetry, Duration.ofMinutes(15), false),
            new StageDefinition(REPORT, "Report", Optional.empty(), storageRetry, Duration.ofMinutes(1), false)));
  }

  /** The stage called {@code name}. */
  public StageDefinition stage(String name) {
    return stages.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no stage named " + name));
  }

  /** Index of the stage called {@code name}. */
  public int indexOf(String name) {
    return stages.indexOf(stage(name));
  }
}

package dev.gantry.pipeline;

import dev.gantry.model.ModelThrottledException;
import dev.gantry.pipeline.StageDefinition.CloudFormationUse;
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
  public static final String CHECKOUT = "checkout";
  public static final String ARCHITECT = "architect";
  public static final String PLAN = "plan";
  public static final String VALIDATE = "validate";
  public static final String CHANGESET = "changeset";
  public static final String APPROVAL = "approval";
  public static final String DEPLOY = "deploy";
  public static final String VERIFY = "verify";
  public static final String REPORT = "report";

  /**
   * The longest one model call may take. Model clients set their read timeout to it and do not
   * retry a call that ran out of it; every agent stage's attempt timeout is longer.
   */
  public static final Duration MODEL_CALL_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The longest attempt a running stage may declare: a Lambda function runs at most 15 minutes
   * (Lambda quotas page) and its timeout is {@link #functionTimeout} = attempt + 1 minute.
   */
  public static final Duration MAX_ATTEMPT_TIMEOUT = Duration.ofMinutes(14);

  /**
   * @throws IllegalArgumentException for more than one approval gate, a repeated stage or state
   *     name, or a running stage longer than {@link #MAX_ATTEMPT_TIMEOUT}
   */
  public PipelineDefinition {
    stages = List.copyOf(stages);
    if (stages.stream().filter(StageDefinition::approvalGate).count() > 1) {
      throw new IllegalArgumentException("a pipeline has at most one approval gate");
    }
    if (stages.stream().map(StageDefinition::name).distinct().count() != stages.size()
        || stages.stream().map(StageDefinition::stateName).distinct().count() != stages.size()) {
      throw new IllegalArgumentException("stage names and state names must be unique");
    }
    for (StageDefinition stage : stages) {
      if (!stage.approvalGate() && stage.timeout().compareTo(MAX_ATTEMPT_TIMEOUT) > 0) {
        throw new IllegalArgumentException(stage.name() + ": an attempt may take at most " + MAX_ATTEMPT_TIMEOUT);
      }
    }
  }

  /** The Lambda timeout for a running stage: its attempt timeout and one minute to record the result. */
  public static Duration functionTimeout(StageDefinition stage) {
    return stage.timeout().plusMinutes(1);
  }

  /**
   * checkout → architect → plan → validate → changeset → approval → deploy → verify → report.
   *
   * <ul>
   *   <li>A checkout's network errors are retried with backoff; it fetches one commit, within 5 minutes.
   *   <li>The changeset stage looks at its CloudFormation change set every 5 seconds for at most 30
   *       minutes (creation usually takes seconds; hooks and transforms take longer); once it is
   *       ready, the deployer agent explains it for the reviewer.
   *   <li>The approval waits at most 7 days, and at most 24 hours without a heartbeat (a reviewer
   *       reading the session sends one).
   *   <li>The deploy stage executes the approved change set once; verify looks at the stack every 15
   *       seconds for at most 4 hours (a stack operation with its rollback, or a failed first
   *       create's deletion).
   * </ul>
   */
  public static PipelineDefinition standard() {
    RetryPolicy modelRetry =
        new RetryPolicy(
            List.of(ModelThrottledException.class, TransientStageException.class),
            Duration.ofSeconds(2), 3, 2.0, Duration.ofSeconds(30));
    RetryPolicy storageRetry =
        new RetryPolicy(
            List.of(TransientStageException.class), Duration.ofSeconds(1), 2, 2.0, Duration.ofSeconds(10));
    RetryPolicy networkRetry =
        new RetryPolicy(
            List.of(TransientStageException.class), Duration.ofSeconds(3), 3, 2.0, Duration.ofSeconds(30));
    return new PipelineDefinition(
        List.of(
            new StageDefinition(CHECKOUT, "Checkout", Optional.empty(), networkRetry, Duration.ofMinutes(5), false),
            new StageDefinition(ARCHITECT, "Architect", Optional.of("architect"), modelRetry, Duration.ofMinutes(10), false),
            new StageDefinition(PLAN, "Plan", Optional.of("planner"), modelRetry, Duration.ofMinutes(10), false),
            new StageDefinition(VALIDATE, "Validate", Optional.empty(), storageRetry, Duration.ofMinutes(1), false),
            new StageDefinition(CHANGESET, "ChangeSet", Optional.of("deployer"), modelRetry, Duration.ofMinutes(10), false)
                .callingCloudFormation(CloudFormationUse.MAKE_CHANGE_SETS)
                .polling(Duration.ofSeconds(5), Duration.ofMinutes(30)),
            new StageDefinition(APPROVAL, "AwaitApproval", Optional.empty(), RetryPolicy.none(), Duration.ofDays(7), true,
                Optional.of(Duration.ofHours(24))),
            new StageDefinition(DEPLOY, "Deploy", Optional.empty(), networkRetry, Duration.ofMinutes(2), false)
                .callingCloudFormation(CloudFormationUse.EXECUTE_CHANGE_SETS),
            new StageDefinition(VERIFY, "Verify", Optional.empty(), networkRetry, Duration.ofMinutes(2), false)
                .callingCloudFormation(CloudFormationUse.WATCH_STACKS)
                .polling(Duration.ofSeconds(15), Duration.ofHours(4)),
            new StageDefinition(REPORT, "Report", Optional.empty(), storageRetry, Duration.ofMinutes(1), false)));
  }

  /** The stages whose functions may call CloudFormation, in order. */
  public List<StageDefinition> cloudFormationStages() {
    return stages.stream().filter(StageDefinition::callsCloudFormation).toList();
  }

  /** The stage called {@code name}. */
  public StageDefinition stage(String name) {
    return stages.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no stage named " + name));
  }

  /** The approval gate, if the pipeline has one. */
  public Optional<StageDefinition> approvalGate() {
    return stages.stream().filter(StageDefinition::approvalGate).findFirst();
  }

  /** Whether {@code name} is the last declared stage, after which a session has SUCCEEDED. */
  public boolean isLast(String name) {
    return !stages.isEmpty() && stages.get(stages.size() - 1).name().equals(name);
  }

  /** Index of the stage called {@code name}. */
  public int indexOf(String name) {
    return stages.indexOf(stage(name));
  }
}

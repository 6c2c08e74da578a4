package dev.gantry.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One named pipeline: its stages in order, each with its agent role and task, retry policy and
 * timeout, and at most one approval gate. {@link Pipelines#standard()} holds Gantry's pipelines; the
 * local executor runs them in-process and the CDK app builds one Step Functions state machine from
 * each.
 *
 * @param name the pipeline's id in sessions, the API, push rules and the CLI ({@code deliver})
 * @param description one line for {@code gantry pipelines} and the state machine's comment
 * @param stages the stages, in order
 */
public record PipelineDefinition(String name, String description, List<StageDefinition> stages) {

  /** Pipeline names. */
  public static final String DELIVER = "deliver";
  public static final String DESIGN = "design";
  public static final String REVIEW = "review";
  public static final String IMPLEMENT = "implement";

  /** Stage names, in order of first use. */
  public static final String CHECKOUT = "checkout";
  public static final String ARCHITECT = "architect";
  public static final String PLAN = "plan";
  public static final String VALIDATE = "validate";
  public static final String CHANGESET = "changeset";
  public static final String APPROVAL = "approval";
  public static final String DEPLOY = "deploy";
  public static final String VERIFY = "verify";
  public static final String REPORT = "report";
  public static final String REVIEW_STAGE = "review";
  public static final String IMPLEMENT_STAGE = "implement";
  public static final String PUBLISH = "publish";

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

  /** What a pipeline name may be: lowercase letters and hyphens, as a state machine name part. */
  public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z][a-z-]{0,31}");

  /**
   * @throws IllegalArgumentException for a bad name, no stages, more than one approval gate, a
   *     repeated stage or state name, or a running stage longer than {@link #MAX_ATTEMPT_TIMEOUT}
   */
  public PipelineDefinition {
    stages = List.copyOf(stages);
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a pipeline name is 1 to 32 lowercase letters and hyphens: " + name);
    }
    if (stages.isEmpty()) {
      throw new IllegalArgumentException(name + ": a pipeline has at least one stage");
    }
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

  /** An unnamed pipeline of {@code stages} ({@code deliver}), for tests of one declaration. */
  public PipelineDefinition(List<StageDefinition> stages) {
    this(DELIVER, "stages under test", stages);
  }

  /** The Lambda timeout for a running stage: its attempt timeout and one minute to record the result. */
  public static Duration functionTimeout(StageDefinition stage) {
    return stage.timeout().plusMinutes(1);
  }

  /** The default pipeline, {@code deliver}: see {@link Pipelines#standard()}. */
  public static PipelineDefinition standard() {
    return Pipelines.standard().pipeline(DELIVER);
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

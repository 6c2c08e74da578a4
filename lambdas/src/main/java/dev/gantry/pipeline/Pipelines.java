package dev.gantry.pipeline;

import dev.gantry.model.ModelThrottledException;
import dev.gantry.pipeline.StageDefinition.AgentTask;
import dev.gantry.pipeline.StageDefinition.CloudFormationUse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Gantry's pipelines, the one declaration everything else derives from: the local executor runs
 * them, the CDK app builds one Step Functions state machine per pipeline and one function per
 * stage, the API, push rules and {@code gantry run --pipeline} choose one by name, and the agent
 * roles a session may override are the roles of their agent stages.
 *
 * <p>A stage used by several pipelines (checkout, architect, report…) is declared once and shared,
 * so it behaves, retries and times out the same in each.
 *
 * @param pipelines the pipelines, the default first
 */
public record Pipelines(List<PipelineDefinition> pipelines) {

  /**
   * @throws IllegalArgumentException for no pipelines, a repeated pipeline name, one stage name
   *     declared two different ways, or a document owned by two stages
   */
  public Pipelines {
    pipelines = List.copyOf(pipelines);
    if (pipelines.isEmpty()) {
      throw new IllegalArgumentException("at least one pipeline");
    }
    owners(pipelines);
    Map<String, StageDefinition> seen = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (PipelineDefinition pipeline : pipelines) {
      if (names.put(pipeline.name(), pipeline.name()) != null) {
        throw new IllegalArgumentException("pipeline " + pipeline.name() + " is declared twice");
      }
      for (StageDefinition stage : pipeline.stages()) {
        StageDefinition earlier = seen.putIfAbsent(stage.name(), stage);
        if (earlier != null && !earlier.equals(stage)) {
          throw new IllegalArgumentException("stage " + stage.name() + " is declared two different ways");
        }
      }
    }
  }

  /** One pipeline alone, for tests of one declaration. */
  public static Pipelines of(PipelineDefinition pipeline) {
    return new Pipelines(List.of(pipeline));
  }

  /** The pipeline a session runs when none is chosen. */
  public PipelineDefinition defaultPipeline() {
    return pipelines.get(0);
  }

  /** Pipeline names, the default first. */
  public List<String> names() {
    return pipelines.stream().map(PipelineDefinition::name).toList();
  }

  /**
   * The pipeline called {@code name}; the default for null.
   *
   * @throws IllegalArgumentException naming the known pipelines
   */
  public PipelineDefinition pipeline(String name) {
    if (name == null) {
      return defaultPipeline();
    }
    return find(name).orElseThrow(() -> new IllegalArgumentException(
        "no pipeline '" + name + "': choose one of " + String.join(", ", names())));
  }

  /** The pipeline called {@code name}, if declared. */
  public Optional<PipelineDefinition> find(String name) {
    return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Every distinct stage over all pipelines, in order of first use. */
  public List<StageDefinition> stages() {
    Map<String, StageDefinition> all = new LinkedHashMap<>();
    pipelines.forEach(p -> p.stages().forEach(s -> all.putIfAbsent(s.name(), s)));
    return new ArrayList<>(all.values());
  }

  /**
   * The stage that owns each declared document ({@link StageDefinition#ownedDocuments}): only that
   * stage may write it, and only its agent if its agent task names it.
   */
  public Map<String, String> documentOwners() {
    return owners(pipelines);
  }

  private static Map<String, String> owners(List<PipelineDefinition> pipelines) {
    Map<String, String> owners = new LinkedHashMap<>();
    pipelines.forEach(p -> p.stages().forEach(stage -> stage.ownedDocuments().forEach(document -> {
      String earlier = owners.putIfAbsent(document, stage.name());
      if (earlier != null && !earlier.equals(stage.name())) {
        throw new IllegalArgumentException(document + " is owned by both the " + earlier + " and the " + stage.name() + " stage");
      }
    })));
    return Map.copyOf(owners);
  }

  /** The agent roles of every pipeline's agent stages, sorted: what a session's {@code agents} may name. */
  public List<String> agentRoles() {
    TreeSet<String> roles = new TreeSet<>();
    stages().forEach(s -> s.agent().ifPresent(roles::add));
    return List.copyOf(roles);
  }

  /**
   * Gantry's pipelines:
   *
   * <ul>
   *   <li>{@code deliver} (the default): checkout → architect → plan → validate → changeset →
   *       approval → deploy → verify → report.
   *   <li>{@code design}: checkout → architect → report. The architect's design only: nothing is
   *       validated, asked or deployed.
   *   <li>{@code review}: checkout → review → report. The reviewer writes {@code review.md} and
   *       {@code findings.json}, each finding located in the snapshot ({@link ReviewFindings}).
   *   <li>{@code implement}: checkout → architect → plan → implement → validate → approval →
   *       publish → report. The implementer writes files in a sandbox; the stage makes {@code
   *       changes.patch} ({@link AgentStage}), which a person approves by its SHA-256; publish pushes
   *       it as branch {@code gantry/<session-id>} where Gantry may push ({@link PublishStage}).
   * </ul>
   *
   * Timing: a checkout's network errors are retried with backoff and it fetches one commit within
   * 5 minutes; the changeset stage looks at its change set every 5 seconds for at most 30 minutes,
   * then the deployer agent explains it; the approval waits at most 7 days, and at most 24 hours
   * without a heartbeat (a reviewer reading the session sends one); deploy executes the approved
   * change set once; verify looks at the stack every 15 seconds for at most 4 hours (a stack
   * operation with its rollback, or a failed first create's deletion).
   *
   * <p>Recovery ({@link SessionRecovery}): every stage is safe to run again after its process was
   * killed mid-attempt except deploy (the change set may have been executed) and publish (the
   * branch may have been pushed); a session interrupted in one of those ends FAILED "interrupted".
   */
  public static Pipelines standard() {
    return STANDARD;
  }

  private static final Pipelines STANDARD = declare();

  private static Pipelines declare() {
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
    StageDefinition checkout = new StageDefinition(
        PipelineDefinition.CHECKOUT, "Checkout", Optional.empty(), networkRetry, Duration.ofMinutes(5), false)
        .owning(dev.gantry.repo.SnapshotArchive.DOCUMENT_NAME)
        .rerunnable(); // pins a commit and writes the session's own snapshot again
    StageDefinition architect = new StageDefinition(
        PipelineDefinition.ARCHITECT, "Architect", Optional.of("architect"), modelRetry, Duration.ofMinutes(10), false)
        .asking(new AgentTask("""
            Explore the repository with the tools (list, read, search), then write architecture.md
            with write_document: the AWS services you choose and why, the data model, security
            (identity, encryption, network exposure) and a monthly cost estimate. Ground every
            choice in files you read. Do not deploy anything.""", List.of(), List.of(List.of("architecture.md"))))
        .rerunnable(); // agent stages write only the session's documents
    StageDefinition plan = new StageDefinition(
        PipelineDefinition.PLAN, "Plan", Optional.of("planner"), modelRetry, Duration.ofMinutes(10), false)
        .asking(new AgentTask("""
            Turn the architecture below into plan.md (ordered implementation and deployment steps)
            and template.yaml (an AWS CloudFormation template for the stack), both with
            write_document. The template must parse, declare Resources, reference only declared
            resources and parameters, and grant least privilege (no "*" actions). Give every parameter
            a Default. Every IAM role must set PermissionsBoundary: !Ref PermissionsBoundaryArn, with a
            String parameter PermissionsBoundaryArn (Default "") that Gantry fills; create no IAM
            users, groups, instance profiles or managed policies (use the role's inline Policies).""",
            List.of("architecture.md"), List.of(List.of("plan.md"), SessionDocuments.TEMPLATE_NAMES)))
        .rerunnable();
    StageDefinition validate = new StageDefinition(
        PipelineDefinition.VALIDATE, "Validate", Optional.empty(), storageRetry, Duration.ofMinutes(1), false)
        .owning(ValidateStage.DOCUMENT)
        .rerunnable();
    StageDefinition changeSet = new StageDefinition(
        PipelineDefinition.CHANGESET, "ChangeSet", Optional.of("deployer"), modelRetry, Duration.ofMinutes(10), false)
        .callingCloudFormation(CloudFormationUse.MAKE_CHANGE_SETS)
        .polling(Duration.ofSeconds(5), Duration.ofMinutes(30))
        .owning(dev.gantry.deploy.ChangeSetReport.DOCUMENT_NAME, ChangeSetStage.ROLLOUT)
        .rerunnable(); // CreateChangeSet carries a client token per session, and the stage only looks after it
    StageDefinition approval = new StageDefinition(
        PipelineDefinition.APPROVAL, "AwaitApproval", Optional.empty(), RetryPolicy.none(), Duration.ofDays(7), true,
        Optional.of(Duration.ofHours(24)));
    StageDefinition deploy = new StageDefinition(
        PipelineDefinition.DEPLOY, "Deploy", Optional.empty(), networkRetry, Duration.ofMinutes(2), false)
        .callingCloudFormation(CloudFormationUse.EXECUTE_CHANGE_SETS); // not safe to rerun: the change set may have run
    StageDefinition verify = new StageDefinition(
        PipelineDefinition.VERIFY, "Verify", Optional.empty(), networkRetry, Duration.ofMinutes(2), false)
        .callingCloudFormation(CloudFormationUse.WATCH_STACKS)
        .polling(Duration.ofSeconds(15), Duration.ofHours(4))
        .owning(VerifyStage.STACK_DOCUMENT, VerifyStage.DEPLOYMENT_DOCUMENT)
        .rerunnable(); // looks at the stack; deleting a failed first create again is a no-op
    StageDefinition review = new StageDefinition(
        PipelineDefinition.REVIEW_STAGE, "Review", Optional.of("reviewer"), modelRetry, Duration.ofMinutes(10), false)
        .asking(new AgentTask(ReviewFindings.INSTRUCTIONS, List.of(),
            List.of(List.of("review.md"), List.of(ReviewFindings.DOCUMENT))))
        .rerunnable();
    StageDefinition implement = new StageDefinition(
        PipelineDefinition.IMPLEMENT_STAGE, "Implement", Optional.of("implementer"), modelRetry, Duration.ofMinutes(12), false)
        .asking(new AgentTask("""
            Implement the plan below in the repository's code. Read the files you change first, then
            write each new or changed file whole with write_file (paths relative to the repository
            root); follow the repository's language, layout, style and tests, and add or update tests
            for what you change. Gantry turns your files into changes.patch against the pinned commit
            for a person to approve; nothing you write reaches the repository before that. Then write
            implementation.md with write_document: what you changed in each file and why, how to test
            it, and what you left out. Do not deploy anything.""",
            List.of("architecture.md", "plan.md"), List.of(List.of("implementation.md")), true))
        .owning(AgentStage.PATCH)
        .rerunnable(); // writes in a fresh sandbox, then changes.patch
    StageDefinition publish = new StageDefinition(
        PipelineDefinition.PUBLISH, "Publish", Optional.empty(), networkRetry, Duration.ofMinutes(5), false);
    // publish is not declared safe to rerun: an interrupted push may have reached the remote
    StageDefinition report = new StageDefinition(
        PipelineDefinition.REPORT, "Report", Optional.empty(), storageRetry, Duration.ofMinutes(1), false)
        .owning(ReportStage.DOCUMENT)
        .rerunnable();
    return new Pipelines(List.of(
        new PipelineDefinition(PipelineDefinition.DELIVER,
            "design, plan, validate and deploy a stack after a person approves its change set",
            List.of(checkout, architect, plan, validate, changeSet, approval, deploy, verify, report)),
        new PipelineDefinition(PipelineDefinition.DESIGN,
            "the architect's design document only: nothing is validated, asked or deployed",
            List.of(checkout, architect, report)),
        new PipelineDefinition(PipelineDefinition.REVIEW,
            "the reviewer's prioritised findings on the repository, each at a file and lines",
            List.of(checkout, review, report)),
        new PipelineDefinition(PipelineDefinition.IMPLEMENT,
            "the plan turned into code: changes.patch against the pinned commit, pushed as branch gantry/<session> once approved",
            List.of(checkout, architect, plan, implement, validate, approval, publish, report))));
  }
}

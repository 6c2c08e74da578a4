package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.RetryPolicy;
import dev.gantry.pipeline.StageDefinition;
import dev.gantry.pipeline.StepFunctionsWorkflow;
import dev.gantry.session.SessionStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.stepfunctions.CatchProps;
import software.amazon.awscdk.services.stepfunctions.Choice;
import software.amazon.awscdk.services.stepfunctions.Condition;
import software.amazon.awscdk.services.stepfunctions.DefinitionBody;
import software.amazon.awscdk.services.stepfunctions.Errors;
import software.amazon.awscdk.services.stepfunctions.Fail;
import software.amazon.awscdk.services.stepfunctions.IChainable;
import software.amazon.awscdk.services.stepfunctions.IntegrationPattern;
import software.amazon.awscdk.services.stepfunctions.JitterType;
import software.amazon.awscdk.services.stepfunctions.JsonPath;
import software.amazon.awscdk.services.stepfunctions.LogLevel;
import software.amazon.awscdk.services.stepfunctions.LogOptions;
import software.amazon.awscdk.services.stepfunctions.RetryProps;
import software.amazon.awscdk.services.stepfunctions.StateMachine;
import software.amazon.awscdk.services.stepfunctions.StateMachineType;
import software.amazon.awscdk.services.stepfunctions.Succeed;
import software.amazon.awscdk.services.stepfunctions.TaskInput;
import software.amazon.awscdk.services.stepfunctions.Timeout;
import software.amazon.awscdk.services.stepfunctions.Wait;
import software.amazon.awscdk.services.stepfunctions.WaitTime;
import software.amazon.awscdk.services.stepfunctions.tasks.LambdaInvoke;
import software.constructs.Construct;

/**
 * One Standard state machine per pipeline of {@link Pipelines#standard()}, the declarations the local
 * executor runs: one task per stage, named by the stage's state name, in declared order. Each stage
 * has one function, shared by every pipeline that runs the stage.
 *
 * <ul>
 *   <li>Running stages invoke their own function (timeout from the declaration) with {@code
 *       {sessionId, stage, attempt, pipeline, executionArn}}; results are discarded, so the state stays {@code {sessionId}}.
 *   <li>Every task retries Lambda's transient errors ({@link #LAMBDA_ERRORS}) and, for running
 *       stages, the declared retryable exception classes, with exponential backoff and full jitter.
 *   <li>The approval gate is {@code lambda:invoke.waitForTaskToken} with the declared heartbeat and
 *       overall timeout; a timeout goes to {@value #RECORD_TIMEOUT} and ends TIMED_OUT, a rejection
 *       ({@value StepFunctionsWorkflow#REJECTED_ERROR}) goes to {@value #REJECTED}.
 *   <li>Every other error is caught into {@code $.error} and goes to {@value #RECORD_FAILURE}, which
 *       records the session FAILED (unless it already ended), then to the {@value #FAILED} state.
 *   <li>A polling stage (a change set being made, a stack being deployed) keeps its task's {@code
 *       waiting} and {@code status} in {@value #LOOK_PATH}; a Choice ({@code <State>Check}) sends it
 *       to a Wait state ({@code <State>Wait}, the declared interval) and back to the task while it
 *       waits, to the {@value #SUCCEEDED} state when the session ended early (a change set with no
 *       changes), and on otherwise. No function sleeps.
 *   <li>Only the stages that declare a CloudFormation use get CloudFormation access, for that use
 *       ({@link StackDeploymentAccess#grantDeploy}), and the deploy settings.
 * </ul>
 *
 * Logs go to CloudWatch Logs at level ALL without execution data; X-Ray tracing is on. Sources: Step
 * Functions Developer Guide, "Handling errors in Step Functions workflows", "Wait for a Callback
 * with Task Token", "Best practices: handle Lambda service exceptions".
 */
public final class PipelineStateMachine extends Construct {
  /** The error names Lambda's service raises that are worth retrying (Step Functions best practices). */
  public static final List<String> LAMBDA_ERRORS = List.of(
      "Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException");
  /** State that records a failed session. */
  public static final String RECORD_FAILURE = "RecordFailure";
  /** State that records a timed-out approval. */
  public static final String RECORD_TIMEOUT = "RecordTimeout";
  /** Fail state after {@value #RECORD_FAILURE}. */
  public static final String FAILED = "Failed";
  /** Fail state after {@value #RECORD_TIMEOUT}. */
  public static final String TIMED_OUT = "TimedOut";
  /** Fail state of a rejected approval. */
  public static final String REJECTED = "Rejected";
  /** Succeed state of a session that ended early (nothing to deploy). */
  public static final String SUCCEEDED = "Succeeded";
  /** Where a polling stage's task keeps what its Choice state reads: {@code {"waiting", "status"}}. */
  public static final String LOOK_PATH = "$.look";

  private final Map<String, StateMachine> stateMachines = new LinkedHashMap<>();
  private final Secret gitSecret;
  private final GantryFunction recorder;
  private GantryFunction approvalFunction;
  private final Map<String, GantryFunction> functions = new LinkedHashMap<>();

  /**
   * The state machine's inputs.
   *
   * @param pipelines the pipelines, one state machine each
   * @param packages the functions' deployment packages
   * @param storage tables and bucket
   * @param bus where approval notices go
   * @param model the stage functions' model settings
   * @param codeCommitRepositoryArns CodeCommit repositories the checkout function may pull with its role
   * @param deployAccess CloudFormation access for the stages declared {@code callsCloudFormation}
   */
  public record Props(Pipelines pipelines, LambdaPackages packages, SessionStorage storage, IEventBus bus, ModelAccess model,
      Map<String, String> environment, List<String> codeCommitRepositoryArns, StackDeploymentAccess deployAccess) {}

  /**
   * The size of every stage function's {@code /tmp}, in MiB, set explicitly: 512 is the most SnapStart
   * allows (Lambda developer guide, "Improving startup performance with Lambda SnapStart": ephemeral
   * storage larger than 512 MB is not supported), and it holds one fetched pack or one extracted
   * snapshot within {@code SnapshotLimits.DEFAULT} (192 MiB of files), one at a time.
   */
  public static final int STAGE_TMP_MB = 512;

  /**
   * Creates the stage functions (one per stage, shared by every pipeline that runs it), the approval
   * and failure functions, and one state machine per pipeline.
   */
  public PipelineStateMachine(Construct scope, String id, Props props) {
    super(scope, id);
    this.gitSecret = Secret.Builder.create(this, "GitTokens")
        .description("Gantry Git tokens: a JSON object of host names to tokens, e.g. {\"github.com\": \"ghp_...\"}; "
            + "\"*\" for any host. Only the checkout, publish and report functions read it")
        .secretObjectValue(Map.of())
        .build();
    Acknowledgements.gitSecret(gitSecret);
    Map<String, String> environment = new LinkedHashMap<>(props.environment());
    environment.putAll(props.storage().environment());
    environment.putAll(props.model().environment());
    this.recorder = function("FailureRecorder", LambdaRole.RECORDER, "Records failed and timed-out sessions",
        1024, Duration.seconds(30), props, environment);
    for (PipelineDefinition pipeline : props.pipelines().pipelines()) {
      // the default pipeline's states keep the ids they had when it was the only one
      Construct states = pipeline == props.pipelines().defaultPipeline() ? this : new Construct(this, pascalCase(pipeline.name()));
      stateMachines.put(pipeline.name(), stateMachine(states, pipeline, props, environment));
    }
  }

  /** {@code design} → {@code Design}, {@code long-name} → {@code LongName}. */
  static String pascalCase(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("-")) {
      out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return out.toString();
  }

  private StateMachine stateMachine(Construct scope, PipelineDefinition pipeline, Props props, Map<String, String> environment) {
    LambdaInvoke recordFailure = recordEnd(scope, RECORD_FAILURE, recorder, SessionStatus.FAILED);
    recordFailure.next(Fail.Builder.create(scope, FAILED).stateName(FAILED).errorPath("$.error.Error").causePath("$.error.Cause").build());
    LambdaInvoke recordTimeout = null; // only a pipeline with an approval gate can time out waiting
    if (pipeline.approvalGate().isPresent()) {
      recordTimeout = recordEnd(scope, RECORD_TIMEOUT, recorder, SessionStatus.TIMED_OUT);
      recordTimeout.next(Fail.Builder.create(scope, TIMED_OUT).stateName(TIMED_OUT)
          .error("Gantry.ApprovalTimedOut").cause("no decision in time: the session is TIMED_OUT").build());
    }

    List<LambdaInvoke> tasks = new ArrayList<>();
    for (StageDefinition stage : pipeline.stages()) {
      LambdaInvoke task = stage.approvalGate()
          ? approvalTask(scope, stage, props, environment, recordTimeout)
          : stageTask(scope, pipeline, stage, props, environment);
      task.addCatch(recordFailure, CatchProps.builder().errors(List.of(Errors.ALL)).resultPath("$.error").build());
      tasks.add(task);
    }
    List<StageDefinition> stages = pipeline.stages();
    Succeed endedEarly = stages.stream().anyMatch(s -> s.polling().isPresent())
        ? Succeed.Builder.create(scope, SUCCEEDED).stateName(SUCCEEDED)
            .comment("the session ended SUCCEEDED before its last stage: nothing to deploy").build()
        : null;
    IChainable after = null; // the state after stage i, built from the last stage back
    for (int i = stages.size() - 1; i >= 0; i--) {
      StageDefinition stage = stages.get(i);
      LambdaInvoke task = tasks.get(i);
      if (stage.polling().isPresent()) {
        Wait wait = Wait.Builder.create(scope, stage.stateName() + "Wait").stateName(stage.stateName() + "Wait")
            .comment("waits before looking again; the " + stage.name() + " stage's work goes on outside Gantry")
            .time(WaitTime.duration(duration(stage.polling().get().interval()))).build();
        wait.next(task);
        Choice check = Choice.Builder.create(scope, stage.stateName() + "Check").stateName(stage.stateName() + "Check")
            .comment("waits while the " + stage.name() + " stage's work is in progress").build();
        check.when(Condition.booleanEquals(LOOK_PATH + ".waiting", true), wait);
        check.when(Condition.stringEquals(LOOK_PATH + ".status", SessionStatus.SUCCEEDED.name()), endedEarly);
        check.otherwise(after == null ? endedEarly : after);
        task.next(check);
      } else if (after != null) {
        task.next(after);
      }
      after = task;
    }

    LogGroup logs = LogGroup.Builder.create(scope, "ExecutionLogs")
        .retention(RetentionDays.THREE_MONTHS)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    StateMachine machine = StateMachine.Builder.create(scope, "StateMachine")
        .definitionBody(DefinitionBody.fromChainable(tasks.get(0)))
        .stateMachineType(StateMachineType.STANDARD)
        .comment("Gantry " + pipeline.name() + " pipeline: " + String.join(" → ",
            pipeline.stages().stream().map(StageDefinition::stateName).toList()))
        .logs(LogOptions.builder().destination(logs).level(LogLevel.ALL).includeExecutionData(false).build())
        .tracingEnabled(true)
        .build();
    Acknowledgements.stateMachineRole(machine.getRole());
    return machine;
  }

  /** The function that runs {@code stage}, made on first use: one per stage, whichever pipelines run it. */
  private GantryFunction stageFunction(StageDefinition stage, Props props, Map<String, String> environment) {
    GantryFunction existing = functions.get(stage.stateName() + "Stage");
    if (existing != null) {
      return existing;
    }
    boolean agent = stage.agent().isPresent();
    boolean checkout = stage.name().equals(PipelineDefinition.CHECKOUT);
    boolean publish = stage.name().equals(PipelineDefinition.PUBLISH);
    // the report stage reads the Git tokens to post review results as commit statuses
    boolean readsGitTokens = checkout || publish || stage.name().equals(PipelineDefinition.REPORT);
    Map<String, String> stageEnvironment = new LinkedHashMap<>(environment);
    if (readsGitTokens) {
      stageEnvironment.put(EnvironmentVariables.GIT_SECRET_ARN, gitSecret.getSecretArn());
    }
    if (stage.callsCloudFormation()) {
      stageEnvironment.putAll(props.deployAccess().environment());
    }
    // one invocation at a time per function instance: keep only the snapshot in use in /tmp
    stageEnvironment.put(EnvironmentVariables.SNAPSHOTS_KEPT, "1");
    stageEnvironment.put(EnvironmentVariables.STAGE, stage.name());
    GantryFunction function = function(stage.stateName() + "Stage", LambdaRole.STAGE,
        "Runs the " + stage.name() + " stage", agent ? 1536 : 1024, duration(PipelineDefinition.functionTimeout(stage)),
        props, stageEnvironment, STAGE_TMP_MB);
    props.storage().grantDocuments(function, true);
    if (readsGitTokens) {
      gitSecret.grantRead(function.role());
    }
    if (checkout || publish) {
      if (!props.codeCommitRepositoryArns().isEmpty()) {
        // the publish stage fetches the pinned commit, then pushes the approved patch as a new branch
        function.role().addToPrincipalPolicy(PolicyStatement.Builder.create()
            .sid(publish ? "PushBranchesToConfiguredCodeCommitRepositories" : "PullConfiguredCodeCommitRepositories")
            .actions(publish ? List.of("codecommit:GitPull", "codecommit:GitPush") : List.of("codecommit:GitPull"))
            .resources(props.codeCommitRepositoryArns())
            .build());
      }
    }
    if (agent) {
      props.model().grantInvoke(function.function());
      Acknowledgements.bedrockRegions(function.role());
    }
    stage.cloudFormation().ifPresent(use -> props.deployAccess().grantDeploy(function, use));
    return function;
  }

  private LambdaInvoke stageTask(Construct scope, PipelineDefinition pipeline, StageDefinition stage, Props props,
      Map<String, String> environment) {
    GantryFunction function = stageFunction(stage, props, environment);
    LambdaInvoke.Builder builder = LambdaInvoke.Builder.create(scope, stage.stateName())
        .stateName(stage.stateName())
        .comment(stage.agent().map(a -> "runs the " + a + " agent").orElse("runs the " + stage.name() + " stage"))
        .lambdaFunction(function.live())
        .payload(TaskInput.fromObject(Map.of(
            "sessionId", JsonPath.stringAt("$.sessionId"),
            "stage", stage.name(),
            "attempt", JsonPath.mathAdd(JsonPath.numberAt("$$.State.RetryCount"), 1),
            "pipeline", pipeline.name(),
            "executionArn", JsonPath.stringAt("$$.Execution.Id"))))
        .retryOnServiceExceptions(false)
        .taskTimeout(Timeout.duration(duration(PipelineDefinition.functionTimeout(stage).plusMinutes(1))));
    if (stage.polling().isPresent()) {
      builder.resultSelector(Map.of("waiting.$", "$.Payload.waiting", "status.$", "$.Payload.status")).resultPath(LOOK_PATH);
    } else {
      builder.resultPath(JsonPath.DISCARD);
    }
    LambdaInvoke task = builder.build();
    task.addRetry(lambdaRetry());
    RetryPolicy policy = stage.retry();
    if (policy.maxAttempts() > 0) {
      task.addRetry(RetryProps.builder()
          .errors(policy.retryOn().stream().map(Class::getName).toList())
          .interval(duration(policy.interval()))
          .maxAttempts(policy.maxAttempts())
          .backoffRate(policy.backoffRate())
          .maxDelay(duration(policy.maxDelay()))
          .jitterStrategy(JitterType.FULL)
          .build());
    }
    return task;
  }

  private LambdaInvoke approvalTask(Construct scope, StageDefinition gate, Props props, Map<String, String> environment,
      LambdaInvoke recordTimeout) {
    if (approvalFunction == null) {
      Map<String, String> withBus = new LinkedHashMap<>(environment);
      withBus.put(EnvironmentVariables.EVENT_BUS_NAME, props.bus().getEventBusName());
      approvalFunction = function("ApprovalRequest", LambdaRole.APPROVAL,
          "Stores the approval task token and sends the approval notice", 1024, Duration.seconds(30), props, withBus);
      props.bus().grantPutEventsTo(approvalFunction.grantee());
    }
    GantryFunction function = approvalFunction;
    Fail rejected = Fail.Builder.create(scope, REJECTED).stateName(REJECTED)
        .error(StepFunctionsWorkflow.REJECTED_ERROR).cause("a reviewer rejected what awaited approval: see the session's audit log").build();
    LambdaInvoke.Builder builder = LambdaInvoke.Builder.create(scope, gate.stateName())
        .stateName(gate.stateName())
        .comment("waits for a reviewer's decision on the digest awaiting approval (template or patch)")
        .lambdaFunction(function.live())
        .integrationPattern(IntegrationPattern.WAIT_FOR_TASK_TOKEN)
        .payload(TaskInput.fromObject(Map.of(
            "sessionId", JsonPath.stringAt("$.sessionId"),
            "taskToken", JsonPath.getTaskToken())))
        .retryOnServiceExceptions(false)
        .resultPath(JsonPath.DISCARD)
        .taskTimeout(Timeout.duration(duration(gate.timeout())));
    gate.heartbeat().ifPresent(heartbeat -> builder.heartbeatTimeout(Timeout.duration(duration(heartbeat))));
    LambdaInvoke task = builder.build();
    task.addRetry(lambdaRetry());
    task.addCatch(rejected, CatchProps.builder().errors(List.of(StepFunctionsWorkflow.REJECTED_ERROR)).resultPath("$.error").build());
    task.addCatch(recordTimeout, CatchProps.builder().errors(List.of(Errors.TIMEOUT, Errors.HEARTBEAT_TIMEOUT))
        .resultPath("$.error").build());
    return task;
  }

  private static LambdaInvoke recordEnd(Construct scope, String stateName, GantryFunction recorder, SessionStatus outcome) {
    LambdaInvoke task = LambdaInvoke.Builder.create(scope, stateName)
        .stateName(stateName)
        .comment("records the session " + outcome + " with its audit entry, unless it already ended")
        .lambdaFunction(recorder.live())
        .payload(TaskInput.fromObject(Map.of(
            "sessionId", JsonPath.stringAt("$.sessionId"),
            "outcome", outcome.name(),
            "error", JsonPath.objectAt("$.error"))))
        .retryOnServiceExceptions(false)
        .resultPath(JsonPath.DISCARD)
        .taskTimeout(Timeout.duration(Duration.minutes(2)))
        .build();
    task.addRetry(RetryProps.builder().errors(List.of(Errors.ALL)).interval(Duration.seconds(2)).maxAttempts(5)
        .backoffRate(2).maxDelay(Duration.seconds(60)).jitterStrategy(JitterType.FULL).build());
    return task;
  }

  private static RetryProps lambdaRetry() {
    return RetryProps.builder()
        .errors(LAMBDA_ERRORS)
        .interval(Duration.seconds(2))
        .maxAttempts(6)
        .backoffRate(2)
        .maxDelay(Duration.seconds(30))
        .jitterStrategy(JitterType.FULL)
        .build();
  }

  private GantryFunction function(String id, LambdaRole role, String description, int memoryMb, Duration timeout,
      Props props, Map<String, String> environment) {
    return function(id, role, description, memoryMb, timeout, props, environment, 512);
  }

  private GantryFunction function(String id, LambdaRole role, String description, int memoryMb, Duration timeout,
      Props props, Map<String, String> environment, int tmpMb) {
    GantryFunction function = new GantryFunction(this, id,
        new GantryFunction.Props(role, description, memoryMb, timeout, props.packages(), environment, tmpMb));
    props.storage().grantSessions(function);
    functions.put(id, function);
    return function;
  }

  private static Duration duration(java.time.Duration duration) {
    return Duration.seconds(duration.toSeconds());
  }

  /** The Git tokens secret, read by the checkout function alone. */
  public Secret gitSecret() {
    return gitSecret;
  }

  /** The default pipeline's state machine. */
  public StateMachine stateMachine() {
    return stateMachines.values().iterator().next();
  }

  /** Each pipeline's state machine, by pipeline name, the default first. */
  public Map<String, StateMachine> stateMachines() {
    return java.util.Collections.unmodifiableMap(stateMachines);
  }

  /**
   * The variable that tells a function each pipeline's state machine: {@value
   * EnvironmentVariables#STATE_MACHINE_ARNS}, a JSON object of pipeline name to ARN.
   */
  public Map<String, String> environment() {
    Map<String, String> arns = new LinkedHashMap<>();
    stateMachines.forEach((name, machine) -> arns.put(name, machine.getStateMachineArn()));
    return Map.of(EnvironmentVariables.STATE_MACHINE_ARNS, software.amazon.awscdk.Stack.of(this).toJsonString(arns));
  }

  /** Lets {@code grantee} start executions of every pipeline's state machine. */
  public void grantStart(software.amazon.awscdk.services.iam.IGrantable grantee) {
    stateMachines.values().forEach(machine -> machine.grantStartExecution(grantee));
  }

  /** Lets {@code grantee} start, stop and answer the approval task tokens of every pipeline's executions. */
  public void grantRunSessions(software.amazon.awscdk.services.iam.IGrantable grantee) {
    stateMachines.values().forEach(machine -> {
      machine.grantStartExecution(grantee);
      machine.grantTaskResponse(grantee);
      machine.grantExecution(grantee, "states:StopExecution");
    });
  }

  /** Lets {@code grantee} answer the approval tasks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat) of every pipeline. */
  public void grantTaskResponses(software.amazon.awscdk.services.iam.IGrantable grantee) {
    stateMachines.values().forEach(machine -> machine.grantTaskResponse(grantee));
  }

  /** The functions by construct id ({@code ArchitectStage}, {@code ApprovalRequest}, {@code FailureRecorder}). */
  public Map<String, GantryFunction> functions() {
    return Map.copyOf(functions);
  }
}

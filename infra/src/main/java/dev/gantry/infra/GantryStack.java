package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.pipeline.Pipelines;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.events.EventBus;
import software.constructs.Construct;

/**
 * Everything Gantry needs in one AWS account and region: {@link SessionStorage}, the {@link
 * StackDeploymentAccess} of the deployed stacks, the custom event bus, the {@link
 * PipelineStateMachine} built from {@link Pipelines#standard()}, the {@link PushTriggers}
 * the {@link GantryHttpApi} and its {@link Observability} (dashboard, alarms). No physical names are fixed, except the deployed stacks'
 * permissions boundary, whose name is derived from the stack's path and region (a policy cannot
 * name its own {@code Ref}), so several stacks can live side by side. Outputs: the API URL, the bus
 * name, the state machine ARN, the documents bucket name, the Git and webhook secret ARNs, and the
 * deploy role and boundary ARNs.
 */
public final class GantryStack extends Stack {
  private final SessionStorage storage;
  private final StackDeploymentAccess deployAccess;
  private final EventBus bus;
  private final PipelineStateMachine pipeline;
  private final PushTriggers triggers;
  private final GantryHttpApi api;
  private final Observability observability;

  /**
   * @param props the stack's environment and description
   * @param settings deploy-time choices read from context
   */
  public GantryStack(Construct scope, String id, StackProps props, DeploymentSettings settings) {
    super(scope, id, props);
    LambdaPackages code = LambdaPackages.built(settings.lambdaJars());
    // every function that starts or runs sessions checks stack names against the one prefix
    Map<String, String> common = new java.util.LinkedHashMap<>();
    common.put(EnvironmentVariables.STACK_PREFIX, settings.stackPrefix());
    if (settings.sessionRetentionDays() > 0) {
      common.put(EnvironmentVariables.SESSION_RETENTION_DAYS, Integer.toString(settings.sessionRetentionDays()));
    }

    this.storage = new SessionStorage(this, "Storage");
    this.deployAccess = new StackDeploymentAccess(this, "DeployAccess",
        new StackDeploymentAccess.Props(settings.stackPrefix(), settings.deployServices()));
    this.bus = EventBus.Builder.create(this, "Bus").description("Gantry repository pushes and approval notices").build();
    this.pipeline = new PipelineStateMachine(this, "Pipeline", new PipelineStateMachine.Props(
        Pipelines.standard(), code, storage, bus,
        new ModelAccess(this, settings.modelProvider(), settings.bedrockModelIds()), common,
        settings.codeCommitRepositoryArns(), deployAccess));
    this.triggers = new PushTriggers(this, "Pushes", new PushTriggers.Props(
        settings, code, storage, bus, pipeline, common));
    this.api = new GantryHttpApi(this, "Api", new GantryHttpApi.Props(
        settings, code, storage, pipeline, bus, triggers.webhookSecret(), common));
    new DecisionRedeliverySchedule(this, "DecisionRedelivery", code, storage, pipeline, common);
    this.observability = new Observability(this, "Observability", new Observability.Props(settings, pipeline, triggers, api,
        getNode().findAll().stream().filter(GantryFunction.class::isInstance).map(GantryFunction.class::cast).toList()));
    // review commit statuses link to the session's API route (the API names no stage function: no cycle)
    pipeline.functions().get(Pipelines.standard().stages().stream()
            .filter(s -> s.name().equals(dev.gantry.pipeline.PipelineDefinition.REPORT)).findFirst().orElseThrow().stateName() + "Stage")
        .function().addEnvironment(EnvironmentVariables.SESSION_LINK, api.url() + "sessions/{sessionId}");

    // deployed stacks, and the roles they create, never reach Gantry's own resources
    String functions = formatArn(ArnComponents.builder().service("lambda").resource("function")
        .resourceName(getStackName() + "-*").arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    deployAccess.protect(List.of(
        storage.sessions().getTableArn(), storage.sessions().getTableArn() + "/*",
        storage.audit().getTableArn(), storage.audit().getTableArn() + "/*",
        storage.documents().getBucketArn(), storage.documents().getBucketArn() + "/*",
        storage.auditAnchors().getBucketArn(), storage.auditAnchors().getBucketArn() + "/*", storage.auditKey().getKeyArn(),
        bus.getEventBusArn(), functions));
    // the state machine is left out: its ARN would make a cycle (it names the stage functions, whose
    // environment names the deploy role and the boundary)

    CfnOutput.Builder.create(this, "ApiUrl").description("Base URL of the Gantry HTTP API").value(api.url()).build();
    api.accessPolicies().forEach((permission, policy) -> CfnOutput.Builder.create(this,
            "Invoke" + GantryHttpApi.policyName(permission) + "PolicyArn")
        .description("Attach to principals that need " + permission.scope() + " (IAM authorization)")
        .value(policy.getManagedPolicyArn()).build());
    CfnOutput.Builder.create(this, "EventBusName").description("Custom bus for pushes and approval notices")
        .value(bus.getEventBusName()).build();
    CfnOutput.Builder.create(this, "StateMachineArn").description("The default (" + Pipelines.standard().defaultPipeline().name()
        + ") pipeline's state machine").value(pipeline.stateMachine().getStateMachineArn()).build();
    pipeline.stateMachines().forEach((name, machine) -> {
      if (machine != pipeline.stateMachine()) {
        CfnOutput.Builder.create(this, PipelineStateMachine.pascalCase(name) + "StateMachineArn")
            .description("The " + name + " pipeline's state machine").value(machine.getStateMachineArn()).build();
      }
    });
    CfnOutput.Builder.create(this, "DocumentsBucketName").description("Where session documents are stored")
        .value(storage.documents().getBucketName()).build();
    CfnOutput.Builder.create(this, "AuditTableName").description("The append-only audit log (an auditor queries it)")
        .value(storage.audit().getTableName()).build();
    CfnOutput.Builder.create(this, "AuditAnchorsBucketName").description("Where audit heads are anchored (an auditor lists it)")
        .value(storage.auditAnchors().getBucketName()).build();
    CfnOutput.Builder.create(this, "AuditKeyArn").description("KMS HMAC key of the audit entry MACs (an auditor calls VerifyMac)")
        .value(storage.auditKey().getKeyArn()).build();
    CfnOutput.Builder.create(this, "GitSecretArn").description("Secret holding Git tokens by host, read by the checkout, publish and report stages")
        .value(pipeline.gitSecret().getSecretArn()).build();
    CfnOutput.Builder.create(this, "WebhookSecretArn").description("Secret holding the webhook secrets")
        .value(triggers.webhookSecret().getSecretArn()).build();
    CfnOutput.Builder.create(this, "DeployRoleArn")
        .description("CloudFormation service role for the " + settings.stackPrefix() + "* stacks Gantry deploys")
        .value(deployAccess.role().getRoleArn()).build();
    CfnOutput.Builder.create(this, "DeployBoundaryArn")
        .description("Permissions boundary every role or user of a deployed stack must carry")
        .value(deployAccess.boundary().getManagedPolicyArn()).build();
  }

  /** The storage construct. */
  public SessionStorage storage() {
    return storage;
  }

  /** The CloudFormation service role and permissions boundary of the deployed stacks. */
  public StackDeploymentAccess deployAccess() {
    return deployAccess;
  }

  /** The pipeline construct. */
  public PipelineStateMachine pipeline() {
    return pipeline;
  }

  /** The push triggers construct. */
  public PushTriggers triggers() {
    return triggers;
  }

  /** The dashboard, alarms and alarm topic. */
  public Observability observability() {
    return observability;
  }

  /** The HTTP API construct. */
  public GantryHttpApi api() {
    return api;
  }
}

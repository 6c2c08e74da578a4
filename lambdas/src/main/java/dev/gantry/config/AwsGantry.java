package dev.gantry.config;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.pipeline.ApprovalNotifier;
import dev.gantry.pipeline.DecisionRedelivery;
import dev.gantry.pipeline.EventBridgeApprovalNotifier;
import dev.gantry.pipeline.ExecutionRecorder;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.StepFunctionsWorkflow;
import dev.gantry.push.EventBridgePushPublisher;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.SecretsManagerWebhookSecrets;
import dev.gantry.repo.git.GitCredentials;
import dev.gantry.repo.git.SecretsManagerGitCredentials;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.SessionService;
import dev.gantry.session.kms.KmsAuditMac;
import dev.gantry.session.s3.S3AuditAnchors;
import dev.gantry.telemetry.EmfTelemetry;
import dev.gantry.telemetry.LogsInsights;
import dev.gantry.telemetry.StageTelemetry;
import dev.gantry.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The composition root of the Lambda functions: for each role, the SDK clients it needs built once
 * from the environment (region, default credentials chain, URL-connection HTTP client) and the
 * services wired on them. Called from a handler's no-arg constructor, so SnapStart snapshots the
 * result.
 */
public final class AwsGantry {
  private AwsGantry() {}

  /**
   * Metrics (CloudWatch Embedded Metric Format on standard output) and warnings, for the handlers
   * that emit them beside their service; built on Powertools' one metrics instance.
   */
  public static Telemetry telemetry() {
    return new EmfTelemetry();
  }

  /** What every role shares: settings, credentials, the session store and the document store. */
  private record Base(Settings settings, AwsSettings aws, AwsCredentialsProvider credentials, Clock clock,
      DynamoDbSessionStore store, S3DocumentStore documents) {

    static Base fromEnvironment(Map<String, String> environment) {
      Settings settings = Settings.fromEnvironment(environment);
      var credentials = DefaultCredentialsProvider.builder().build();
      Clock clock = Clock.systemUTC();
      var dynamoDb = AwsClients.dynamoDb(settings.region(), credentials, Optional.empty());
      var s3 = AwsClients.s3(settings.region(), credentials, Optional.empty());
      AwsSettings aws = AwsSettings.fromEnvironment(environment);
      var kms = AwsClients.client(KmsClient.builder(), settings.region(), credentials, Optional.empty());
      return new Base(settings, aws, credentials, clock,
          new DynamoDbSessionStore(dynamoDb, settings.sessionsTable(), settings.auditTable(), clock,
              new KmsAuditMac(kms, aws.auditKeyId()), new S3AuditAnchors(s3, aws.auditAnchorsBucket()), aws.sessionRetention()),
          new S3DocumentStore(s3, settings.documentsBucket()));
    }

    <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder) {
      return AwsClients.client(builder, settings.region(), credentials, Optional.empty());
    }

    SessionService sessions() {
      return new SessionService(store, clock, () -> UUID.randomUUID().toString(), false, settings.deploy().stackPrefix())
          .withSelfApproval(settings.allowSelfApproval().orElse(false)) // separation of duties by default in AWS
          .withTelemetry(telemetry());
    }

    ExecutionRecorder recorder() {
      return new ExecutionRecorder(Pipelines.standard(), store, clock, StageListener.NONE);
    }

    /** The push rules, read by both the webhook receiver and the bus rule's target. */
    PushRules pushRules() {
      return PushRules.parse(aws.pushRules(), EnvironmentVariables.PUSH_RULES);
    }

    StepFunctionsWorkflow workflow() {
      return new StepFunctionsWorkflow(client(SfnClient.builder()), aws.stateMachineArns());
    }
  }

  /** What the approval state's function calls. */
  public record Approvals(ExecutionRecorder recorder, ApprovalNotifier notifier) {}

  /**
   * The HTTP API's request table, on the stores, Step Functions, the webhook secret and the bus.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable
   */
  public static GantryApi api(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    StepFunctionsWorkflow workflow = base.workflow();
    S3Presigner presigner = S3Presigner.builder().region(Region.of(base.settings().region()))
        .credentialsProvider(base.credentials()).build();
    return new GantryApi(base.sessions(), workflow, base.documents(),
        DocumentDelivery.presigned(presigner, base.settings().documentsBucket(), Duration.ofMinutes(5)),
        AgentCatalog.load(Path.of(base.aws().agentsDirectory())),
        new SecretsManagerWebhookSecrets(base.client(SecretsManagerClient.builder()), base.aws().webhookSecretArn(), base.clock()),
        base.pushRules(),
        new EventBridgePushPublisher(base.client(EventBridgeClient.builder()), base.aws().eventBusName()),
        session -> Optional.of(workflow.consoleUrl(session)),
        logsUrl(base), telemetry());
  }

  /** The Logs Insights link of a session's lines, when the stack named the functions' log groups. */
  private static java.util.function.Function<dev.gantry.session.Session, Optional<String>> logsUrl(Base base) {
    List<String> groups = base.aws().logGroups();
    if (groups.isEmpty()) {
      return session -> Optional.empty();
    }
    LogsInsights insights = new LogsInsights(base.settings().region(), groups);
    return session -> Optional.of(insights.url(session));
  }

  /**
   * The scheduled sweep delivering approval decisions Step Functions did not take: the session
   * store and Step Functions only.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable
   */
  public static DecisionRedelivery decisionRedelivery(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    return new DecisionRedelivery(base.sessions(), base.workflow());
  }

  /**
   * The push rule matching and session start behind the bus's RepositoryPush rule.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable, or a bad rule
   */
  public static PushSessionStarter pushes(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    return new PushSessionStarter(base.pushRules(), base.sessions(), base.workflow());
  }

  /**
   * The stage executor behind the running stages' tasks: the same {@link GantryRuntime} wiring as
   * the gantry command, on DynamoDB, S3, the packaged agents and the configured model.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable, or a model
   *     provider this build does not have
   */
  public static PipelineExecutor stages(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    // only the checkout function has the Git secret; it is read at checkout time, never at init
    Supplier<GitCredentials> gitTokens = base.aws().gitSecretArn()
        .<Supplier<GitCredentials>>map(arn -> new SecretsManagerGitCredentials(base.client(SecretsManagerClient.builder()), arn,
            base.clock()))
        .orElse(base.settings()::gitCredentials);
    return new GantryRuntime(base.settings(), base.store(), base.documents(),
        ModelClients.fromSettings(base.settings()), AgentCatalog.load(Path.of(base.aws().agentsDirectory())),
        base.clock(), new StageTelemetry(telemetry()), GantryRuntime.checkout(base.settings(), gitTokens, base.credentials()),
        GantryRuntime.deployments(base.settings(), base.documents(), base.credentials())).executor();
  }

  /**
   * The approval state's recorder and notice sender: the session store and the bus, no model.
   *
   * @throws IllegalArgumentException naming a missing environment variable
   */
  public static Approvals approvals(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    return new Approvals(base.recorder(),
        new EventBridgeApprovalNotifier(base.client(EventBridgeClient.builder()), base.aws().eventBusName()));
  }

  /**
   * The failure-recording step's recorder: only the session store, so a session's end is recorded
   * even when the stage functions cannot start (a bad model setting, say).
   */
  public static ExecutionRecorder recorder(Map<String, String> environment) {
    return Base.fromEnvironment(environment).recorder();
  }
}

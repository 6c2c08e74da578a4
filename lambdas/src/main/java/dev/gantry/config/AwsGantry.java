package dev.gantry.config;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.document.DocumentKeys;
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
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The composition root of the Lambda functions: for each role, the services it needs wired once
 * from the environment (region, default credentials chain, URL-connection HTTP client), called from
 * a handler's no-arg constructor so SnapStart snapshots the result.
 *
 * <p>Lean by role: only the DynamoDB client is built at init (every request of every role reads the
 * session); every other SDK client (S3, KMS, Step Functions, EventBridge, Secrets Manager, the S3
 * presigner, CloudFormation, Bedrock) is a {@link Lazy} built on first use, or by the role's
 * priming ({@link Wired#primeClients}) when its first request needs it. So a GET of a session builds
 * one client, and a function never builds the client of a service another role calls.
 */
public final class AwsGantry {
  /**
   * A session id no session has: the nil UUID (RFC 9562, section 5.9), never produced by the
   * random (version 4) ids sessions get. Priming reads it to make a real, harmless GetItem.
   */
  public static final String ABSENT_SESSION_ID = "00000000-0000-0000-0000-000000000000";

  private AwsGantry() {}

  /**
   * A role's wired service with the harmless requests that prime its SDK clients.
   *
   * @param service what the handler calls
   * @param primeClients builds the clients the role's first request needs and makes a
   *     side-effect-free request on each that has one (a GetItem of {@link #ABSENT_SESSION_ID}, a KMS
   *     GenerateMac, a GetObject of a key that never exists); throws what a request threw
   */
  public record Wired<T>(T service, Runnable primeClients) {}

  /**
   * Metrics (CloudWatch Embedded Metric Format on standard output) and warnings, for the handlers
   * that emit them beside their service; built on Powertools' one metrics instance.
   */
  public static Telemetry telemetry() {
    return new EmfTelemetry();
  }

  /** What every role shares: settings, credentials, the DynamoDB client, and S3 and KMS on first use. */
  private record Base(Settings settings, AwsSettings aws, AwsCredentialsProvider credentials, Clock clock,
      Lazy<S3Client> s3, Lazy<KmsClient> kms, KmsAuditMac mac, DynamoDbSessionStore store, S3DocumentStore documents) {

    static Base fromEnvironment(Map<String, String> environment) {
      Settings settings = Settings.fromEnvironment(environment);
      AwsSettings aws = AwsSettings.fromEnvironment(environment);
      var credentials = DefaultCredentialsProvider.builder().build();
      Clock clock = Clock.systemUTC();
      var dynamoDb = AwsClients.dynamoDb(settings.region(), credentials, Optional.empty());
      Lazy<S3Client> s3 = Lazy.of(() -> AwsClients.s3(settings.region(), credentials, Optional.empty()));
      Lazy<KmsClient> kms = Lazy.of(() -> AwsClients.client(KmsClient.builder(), settings.region(), credentials, Optional.empty()));
      KmsAuditMac mac = new KmsAuditMac(kms, aws.auditKeyId());
      return new Base(settings, aws, credentials, clock, s3, kms, mac,
          new DynamoDbSessionStore(dynamoDb, settings.sessionsTable(), settings.auditTable(), clock, mac,
              new S3AuditAnchors(s3, aws.auditAnchorsBucket()), aws.sessionRetention()),
          new S3DocumentStore(s3, settings.documentsBucket()));
    }

    <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> Lazy<C> lazyClient(Supplier<B> builder) {
      return Lazy.of(() -> AwsClients.client(builder.get(), settings.region(), credentials, Optional.empty()));
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
      return new StepFunctionsWorkflow(lazyClient(SfnClient::builder), aws.stateMachineArns());
    }

    /**
     * The priming of a role that reads sessions: the item mapping on a session in memory, then a
     * GetItem of a session that does not exist.
     */
    void primeReader() {
      store.primeMapping(dev.gantry.session.Session.primingSample());
      store.find(ABSENT_SESSION_ID);
    }

    /**
     * The priming of a role that writes sessions: {@link #primeReader}, a
     * GenerateMac (every audit entry needs one), and the S3 client the entry's anchor is put with
     * (built only: an anchor put is not harmless).
     */
    void primeWriter() {
      primeReader();
      mac.mac(ABSENT_SESSION_ID);
      s3.get();
    }
  }

  /** What the approval state's function calls. */
  public record Approvals(ExecutionRecorder recorder, ApprovalNotifier notifier) {}

  /**
   * The HTTP API's request table, on the stores, Step Functions, the webhook secret and the bus.
   * Only DynamoDB is built here: a read needs nothing else; the handler primes by routing a GET.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable
   */
  public static Wired<GantryApi> api(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    StepFunctionsWorkflow workflow = base.workflow();
    Lazy<S3Presigner> presigner = Lazy.of(() -> S3Presigner.builder().region(Region.of(base.settings().region()))
        .credentialsProvider(base.credentials()).build());
    GantryApi api = new GantryApi(base.sessions(), workflow, base.documents(),
        DocumentDelivery.presigned(presigner, base.settings().documentsBucket(), Duration.ofMinutes(5)),
        AgentCatalog.load(Path.of(base.aws().agentsDirectory())),
        new SecretsManagerWebhookSecrets(base.lazyClient(SecretsManagerClient::builder), base.aws().webhookSecretArn(),
            base.clock()),
        base.pushRules(),
        new EventBridgePushPublisher(base.lazyClient(EventBridgeClient::builder), base.aws().eventBusName()),
        session -> Optional.of(workflow.consoleUrl(session)),
        logsUrl(base), telemetry());
    return new Wired<>(api, base::primeReader);
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
  public static Wired<DecisionRedelivery> decisionRedelivery(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    return new Wired<>(new DecisionRedelivery(base.sessions(), base.workflow()), base::primeWriter);
  }

  /**
   * The push rule matching and session start behind the bus's RepositoryPush rule.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable, or a bad rule
   */
  public static Wired<PushSessionStarter> pushes(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    StepFunctionsWorkflow workflow = base.workflow();
    return new Wired<>(new PushSessionStarter(base.pushRules(), base.sessions(), workflow), base::primeWriter);
  }

  /**
   * The stage executor behind the running stages' tasks: the same {@link GantryRuntime} wiring as
   * the gantry command, on DynamoDB, S3, the packaged agents and the configured model. Its priming
   * also reads a document that does not exist (every stage after checkout reads the snapshot).
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable, or a model
   *     provider this build does not have
   */
  public static Wired<PipelineExecutor> stages(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    // only the checkout function has the Git secret; it is read at checkout time, never at init
    Supplier<GitCredentials> gitTokens = base.aws().gitSecretArn()
        .<Supplier<GitCredentials>>map(arn -> new SecretsManagerGitCredentials(base.lazyClient(SecretsManagerClient::builder),
            arn, base.clock()))
        .orElse(base.settings()::gitCredentials);
    PipelineExecutor executor = new GantryRuntime(base.settings(), base.store(), base.documents(),
        ModelClients.fromSettings(base.settings()), AgentCatalog.load(Path.of(base.aws().agentsDirectory())),
        base.clock(), new StageTelemetry(telemetry()), GantryRuntime.checkout(base.settings(), gitTokens, base.credentials()),
        GantryRuntime.deployments(base.settings(), base.documents(), base.credentials())).executor();
    return new Wired<>(executor, () -> {
      base.primeWriter();
      base.documents().get(DocumentKeys.sessionDocument(ABSENT_SESSION_ID, "plan.md"));
    });
  }

  /**
   * The approval state's recorder and notice sender: the session store and the bus, no model.
   *
   * @throws IllegalArgumentException naming a missing environment variable
   */
  public static Wired<Approvals> approvals(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    Lazy<EventBridgeClient> events = base.lazyClient(EventBridgeClient::builder);
    return new Wired<>(new Approvals(base.recorder(), new EventBridgeApprovalNotifier(events, base.aws().eventBusName())),
        () -> {
          base.primeWriter();
          events.get(); // PutEvents has no harmless form: built, not called
        });
  }

  /**
   * The failure-recording step's recorder: only the session store, so a session's end is recorded
   * even when the stage functions cannot start (a bad model setting, say).
   */
  public static Wired<ExecutionRecorder> recorder(Map<String, String> environment) {
    Base base = Base.fromEnvironment(environment);
    return new Wired<>(base.recorder(), base::primeWriter);
  }
}

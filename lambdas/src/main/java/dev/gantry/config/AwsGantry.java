package dev.gantry.config;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.document.S3DocumentStore;
import dev.gantry.pipeline.StepFunctionsWorkflow;
import dev.gantry.push.EventBridgePushPublisher;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.SecretsManagerWebhookSecrets;
import dev.gantry.session.DynamoDbSessionStore;
import dev.gantry.session.SessionService;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The composition root of the Lambda functions: every SDK client built once from the environment
 * (region, default credentials chain, URL-connection HTTP client), and the API and push starter
 * wired on them. Built in a handler's no-arg constructor, so SnapStart snapshots it.
 */
public final class AwsGantry {
  private AwsGantry() {}

  /** The services the handlers call. */
  public record Services(GantryApi api, PushSessionStarter pushes) {}

  /**
   * Builds the clients and services.
   *
   * @throws IllegalArgumentException naming a missing or malformed environment variable
   */
  public static Services fromEnvironment(Map<String, String> environment) {
    Settings settings = Settings.fromEnvironment(environment);
    AwsSettings aws = AwsSettings.fromEnvironment(environment);
    var credentials = DefaultCredentialsProvider.builder().build();
    Clock clock = Clock.systemUTC();
    var dynamoDb = AwsClients.dynamoDb(settings.region(), credentials, Optional.empty());
    var s3 = AwsClients.s3(settings.region(), credentials, Optional.empty());
    SfnClient sfn = AwsClients.client(SfnClient.builder(), settings.region(), credentials, Optional.empty());
    EventBridgeClient events = AwsClients.client(EventBridgeClient.builder(), settings.region(), credentials, Optional.empty());
    SecretsManagerClient secrets = AwsClients.client(SecretsManagerClient.builder(), settings.region(), credentials, Optional.empty());
    S3Presigner presigner = S3Presigner.builder().region(Region.of(settings.region())).credentialsProvider(credentials).build();

    DynamoDbSessionStore store = new DynamoDbSessionStore(dynamoDb, settings.sessionsTable(), settings.auditTable(), clock);
    S3DocumentStore documents = new S3DocumentStore(s3, settings.documentsBucket());
    SessionService sessions = new SessionService(store, clock, () -> UUID.randomUUID().toString(), false);
    StepFunctionsWorkflow workflow = new StepFunctionsWorkflow(sfn, aws.stateMachineArn());
    PushRules rules = PushRules.parse(aws.pushRules(), "GANTRY_PUSH_RULES");
    GantryApi api = new GantryApi(sessions, workflow, documents,
        DocumentDelivery.presigned(presigner, settings.documentsBucket(), Duration.ofMinutes(5)),
        AgentCatalog.load(Path.of(aws.agentsDirectory())),
        new SecretsManagerWebhookSecrets(secrets, aws.webhookSecretArn(), clock),
        new EventBridgePushPublisher(events, aws.eventBusName()),
        id -> Optional.of(StepFunctionsWorkflow.consoleUrl(aws.stateMachineArn(), id)));
    return new Services(api, new PushSessionStarter(rules, sessions, workflow));
  }
}

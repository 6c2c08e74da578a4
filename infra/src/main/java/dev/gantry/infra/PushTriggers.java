package dev.gantry.infra;

import dev.gantry.config.EnvironmentVariables;
import dev.gantry.push.RepositoryPush;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * How repository pushes start sessions. The webhook routes verify a delivery and put a {@value
 * RepositoryPush#DETAIL_TYPE} event on the custom bus; a rule sends it to the push function, which
 * applies the push rules and starts the state machine with the session id as the execution name
 * (an EventBridge target cannot name an execution, and the name is what makes redeliveries start
 * one session). Optionally a rule on the default bus does the same for CodeCommit {@code
 * referenceUpdated} events. Failed deliveries are retried for up to {@value #MAX_EVENT_AGE_HOURS}
 * hours, then kept 14 days in an encrypted, TLS-only dead-letter queue. The webhook secret is one
 * Secrets Manager secret {@code {"github": generated, "gitlab": set by you}}, read by the API
 * function with a 5-minute cache.
 */
public final class PushTriggers extends Construct {
  static final int MAX_EVENT_AGE_HOURS = 6;
  static final int RETRY_ATTEMPTS = 8;

  private final Secret webhookSecret;
  private final Queue deadLetters;
  private final GantryFunction function;
  private final Rule pushRule;
  private final Optional<Rule> codeCommitRule;

  /**
   * The triggers' inputs.
   *
   * @param settings deploy-time choices (push rules, CodeCommit repositories)
   * @param packages the deployment package of each function role
   * @param storage tables
   * @param bus the custom bus the webhook routes put pushes on
   * @param pipelines the pipelines' state machines the push function starts
   * @param environment variables every function gets
   */
  public record Props(DeploymentSettings settings, LambdaPackages packages, SessionStorage storage, IEventBus bus,
      PipelineStateMachine pipelines, Map<String, String> environment) {}

  /** Creates the webhook secret, the push function, its rules and dead-letter queue. */
  public PushTriggers(Construct scope, String id, Props props) {
    super(scope, id);
    this.webhookSecret = Secret.Builder.create(this, "WebhookSecret")
        .description("Gantry webhook secrets: {\"github\": the GitHub webhook secret, \"gitlab\": the GitLab secret token}")
        .generateSecretString(SecretStringGenerator.builder()
            .secretStringTemplate("{}")
            .generateStringKey("github")
            .excludePunctuation(true)
            .passwordLength(48)
            .build())
        .build();
    Acknowledgements.webhookSecret(webhookSecret);
    this.deadLetters = Queue.Builder.create(this, "DeadLetters")
        .encryption(QueueEncryption.SQS_MANAGED)
        .enforceSsl(true)
        .retentionPeriod(Duration.days(14))
        .build();
    Acknowledgements.deadLetterQueue(deadLetters);

    Map<String, String> environment = new LinkedHashMap<>(props.environment());
    environment.putAll(props.storage().environment());
    environment.put(EnvironmentVariables.PUSH_RULES, props.settings().pushRules());
    environment.putAll(props.pipelines().environment());
    this.function = new GantryFunction(this, "Handler", new GantryFunction.Props(LambdaRole.PUSH,
        "Starts sessions for repository pushes that match the push rules", 1024, Duration.seconds(60), props.packages(),
        environment));
    props.storage().grantSessions(function);
    props.pipelines().grantStart(function.grantee());

    LambdaFunction target = new LambdaFunction(function.live(), LambdaFunctionProps.builder()
        .deadLetterQueue(deadLetters)
        .retryAttempts(RETRY_ATTEMPTS)
        .maxEventAge(Duration.hours(MAX_EVENT_AGE_HOURS))
        .build());
    this.pushRule = Rule.Builder.create(this, "RepositoryPushRule")
        .description("Repository pushes from the webhook routes start sessions")
        .eventBus(props.bus())
        .eventPattern(EventPattern.builder()
            .source(List.of(RepositoryPush.SOURCE))
            .detailType(List.of(RepositoryPush.DETAIL_TYPE))
            .build())
        .targets(List.of(target))
        .build();
    List<String> repositories = props.settings().codeCommitRepositoryArns();
    this.codeCommitRule = repositories.isEmpty() ? Optional.empty() : Optional.of(Rule.Builder.create(this, "CodeCommitPushRule")
        .description("Branch updates in the configured CodeCommit repositories start sessions")
        .eventPattern(EventPattern.builder()
            .source(List.of("aws.codecommit"))
            .detailType(List.of("CodeCommit Repository State Change"))
            .resources(repositories)
            .detail(Map.of("event", List.of("referenceUpdated"), "referenceType", List.of("branch")))
            .build())
        .targets(List.of(target))
        .build());
  }

  /** The webhook secret. */
  public Secret webhookSecret() {
    return webhookSecret;
  }

  /** Pushes that could not be delivered to the push function. */
  public Queue deadLetters() {
    return deadLetters;
  }

  /** The push function. */
  public GantryFunction function() {
    return function;
  }

  /** The rule on the custom bus. */
  public Rule pushRule() {
    return pushRule;
  }

  /** The CodeCommit rule, when repositories are configured. */
  public Optional<Rule> codeCommitRule() {
    return codeCommitRule;
  }
}

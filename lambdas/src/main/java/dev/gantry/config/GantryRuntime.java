package dev.gantry.config;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.deploy.DryRunDeployments;
import dev.gantry.deploy.StackDeployments;
import dev.gantry.deploy.cloudformation.CloudFormationDeployments;
import dev.gantry.document.DocumentStore;
import dev.gantry.model.ModelClient;
import dev.gantry.pipeline.CheckoutStage;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.Stages;
import dev.gantry.pipeline.replay.SessionReplay;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.repo.SnapshotCache;
import dev.gantry.repo.git.GitCheckout;
import dev.gantry.repo.git.GitCredentials;
import dev.gantry.session.Session;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * The composition root: wires the session service, the local executor and session replays from
 * settings, the stores, the model and the agent catalog. The gantry command builds one per process.
 */
public final class GantryRuntime implements AutoCloseable {
  private final SessionService sessions;
  private final PipelineExecutor executor;
  private final SessionReplay replays;

  /**
   * @param settings settings read once
   * @param sessionStore the session store
   * @param documents the document store
   * @param model the model client
   * @param agents the agent catalog the stages use
   * @param clock time source
   * @param listener progress output
   */
  public GantryRuntime(
      Settings settings,
      SessionStore sessionStore,
      DocumentStore documents,
      ModelClient model,
      AgentCatalog agents,
      Clock clock,
      StageListener listener) {
    this(settings, sessionStore, documents, model, agents, clock, listener, checkout(settings),
        deployments(settings, documents, DefaultCredentialsProvider.builder().build()));
  }

  /**
   * As above, with a checkout stage wired elsewhere (in AWS: the Git secret and the function's role).
   *
   * @param checkout the checkout stage
   * @param deployments how the deploy stages reach stacks ({@link #deployments})
   */
  public GantryRuntime(
      Settings settings,
      SessionStore sessionStore,
      DocumentStore documents,
      ModelClient model,
      AgentCatalog agents,
      Clock clock,
      StageListener listener,
      CheckoutStage checkout,
      StackDeployments deployments) {
    this.sessions = new SessionService(sessionStore, clock, () -> UUID.randomUUID().toString(), true,
        settings.deploy().stackPrefix(), settings.repositoryRoots())
        .withSelfApproval(settings.allowSelfApproval().orElse(true)); // one user on a laptop decides their own
    AgentRunner.Limits limits = settings.stageLimits();
    Function<ModelClient, Map<String, Stage>> stages = answering -> Stages.standard(agents, new AgentRunner(answering),
        settings.modelSelection(), limits, settings.sessionBudgetMicrodollars(), clock, answering.describe(), checkout,
        deployments);
    this.executor =
        new PipelineExecutor(
            Pipelines.standard(),
            stages.apply(model),
            sessionStore,
            documents,
            repositories(settings, documents),
            clock,
            duration -> Thread.sleep(duration.toMillis()),
            listener,
            settings.leaseDuration());
    this.replays = new SessionReplay(Pipelines.standard(), stages, sessionStore, documents, repositories(settings, documents),
        clock, () -> UUID.randomUUID().toString(), listener);
  }

  /**
   * The checkout stage on one machine: the settings' Git tokens, CodeCommit logins signed with the
   * default AWS credentials (resolved only when a CodeCommit URL is checked out).
   */
  public static CheckoutStage checkout(Settings settings) {
    return checkout(settings, settings::gitCredentials, DefaultCredentialsProvider.builder().build());
  }

  /**
   * The checkout stage on the given Git tokens and AWS credentials, with the settings' limits and
   * scratch folder; one network operation may take 2 minutes.
   *
   * @param gitTokens the Git tokens, asked for at each checkout
   * @param aws signs CodeCommit logins
   */
  public static CheckoutStage checkout(Settings settings, Supplier<GitCredentials> gitTokens, AwsCredentialsProvider aws) {
    return new CheckoutStage(new GitCheckout(gitTokens, Optional.of(aws), Duration.ofMinutes(2)),
        settings.snapshotLimits(), settings.scratchDirectory().resolve("checkouts"), settings.sessionLink());
  }

  /**
   * How the deploy stages reach stacks, by {@code GANTRY_DEPLOY_MODE}: a dry run on the document
   * store, or CloudFormation through a client built once with the settings' region, endpoint override
   * and {@code credentials} on first use, passing the configured service role.
   */
  public static StackDeployments deployments(Settings settings, DocumentStore documents, AwsCredentialsProvider credentials) {
    Settings.Deploy deploy = settings.deploy();
    if (deploy.mode().equals(Settings.DEPLOY_DRY_RUN)) {
      return new DryRunDeployments(documents);
    }
    // built on first use: of the stage functions, only change set and deploy call CloudFormation
    return new CloudFormationDeployments(
        Lazy.of(() -> AwsClients.client(CloudFormationClient.builder(), settings.region(), credentials, deploy.endpoint())),
        deploy.roleArn(), deploy.boundaryArn());
  }

  /** How stages open a session's repository: its snapshot, extracted under the scratch folder by digest. */
  public static Function<Session, RepositorySnapshot> repositories(Settings settings, DocumentStore documents) {
    return CheckoutStage.snapshots(new SnapshotCache(documents, settings.scratchDirectory().resolve("snapshots"),
        settings.snapshotLimits(), settings.snapshotsKept()), settings.readLimitBytes());
  }

  /** Starting sessions and deciding approvals. */
  public SessionService sessions() {
    return sessions;
  }

  /** Replays of finished sessions with their recorded model answers, on the same stores and agents. */
  public SessionReplay replays() {
    return replays;
  }

  /** The local executor. */
  public PipelineExecutor executor() {
    return executor;
  }

  @Override
  public void close() {
    executor.close();
  }
}

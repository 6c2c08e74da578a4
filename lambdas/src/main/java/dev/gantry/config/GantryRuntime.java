package dev.gantry.config;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.document.DocumentStore;
import dev.gantry.model.ModelClient;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.Stages;
import dev.gantry.pipeline.CheckoutStage;
import dev.gantry.repo.SnapshotCache;
import dev.gantry.repo.git.GitCheckout;
import dev.gantry.repo.git.GitCredentials;
import java.util.function.Supplier;
import dev.gantry.session.SessionService;
import dev.gantry.session.SessionStore;
import java.time.Clock;
import java.util.UUID;

/**
 * The composition root: wires the session service and the local executor from settings, the
 * stores, the model and the agent catalog. The gantry command builds one per process.
 */
public final class GantryRuntime implements AutoCloseable {
  private final SessionService sessions;
  private final PipelineExecutor executor;

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
    this(settings, sessionStore, documents, model, agents, clock, listener, settings::gitCredentials);
  }

  /**
   * As above, with the Git tokens from elsewhere (in AWS, the Git secret).
   *
   * @param gitTokens the Git tokens, asked for at each checkout
   */
  public GantryRuntime(
      Settings settings,
      SessionStore sessionStore,
      DocumentStore documents,
      ModelClient model,
      AgentCatalog agents,
      Clock clock,
      StageListener listener,
      Supplier<GitCredentials> gitTokens) {
    this.sessions = new SessionService(sessionStore, clock, () -> UUID.randomUUID().toString(), true);
    AgentRunner.Limits limits = settings.stageLimits();
    this.executor =
        new PipelineExecutor(
            PipelineDefinition.standard(),
            Stages.standard(agents, new AgentRunner(model), settings.modelSelection(), limits,
                settings.sessionBudgetMicrodollars(), clock, model.describe(), checkout(settings, gitTokens)),
            sessionStore,
            documents,
            CheckoutStage.snapshots(new SnapshotCache(documents, settings.scratchDirectory().resolve("snapshots"),
                settings.snapshotLimits(), settings.snapshotsKept()), settings.readLimitBytes()),
            clock,
            duration -> Thread.sleep(duration.toMillis()),
            listener);
  }

  /** The checkout stage on the settings' Git tokens, limits and scratch folder. */
  public static CheckoutStage checkout(Settings settings) {
    return checkout(settings, settings::gitCredentials);
  }

  /**
   * The checkout stage on the given Git tokens, signing CodeCommit logins with the default AWS
   * credentials (resolved only when a CodeCommit URL is checked out); one network operation may take
   * 2 minutes.
   */
  public static CheckoutStage checkout(Settings settings, Supplier<GitCredentials> gitTokens) {
    return new CheckoutStage(new GitCheckout(gitTokens,
        java.util.Optional.of(software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider.builder().build()),
        java.time.Duration.ofMinutes(2)),
        settings.snapshotLimits(), settings.scratchDirectory().resolve("checkouts"));
  }

  /** Starting sessions and deciding approvals. */
  public SessionService sessions() {
    return sessions;
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

package dev.gantry.local;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.api.DocumentDelivery;
import dev.gantry.api.GantryApi;
import dev.gantry.pipeline.InProcessWorkflow;
import dev.gantry.pipeline.SessionRecovery;
import dev.gantry.push.PushRules;
import dev.gantry.push.PushSessionStarter;
import dev.gantry.push.WebhookSecrets;
import java.util.Optional;
import dev.gantry.config.GantryRuntime;
import dev.gantry.config.ModelClients;
import dev.gantry.config.Settings;
import dev.gantry.document.DocumentStore;
import dev.gantry.model.ModelClient;
import dev.gantry.pipeline.StageListener;
import dev.gantry.session.SessionStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Gantry on one machine: the embedded engines, the stores on them, and the runtime. Closing it
 * stops everything.
 */
public final class LocalGantry implements AutoCloseable {
  private final EmbeddedEngines engines;
  private final LocalStores stores;
  private final GantryRuntime runtime;
  private final AgentCatalog agents;
  private final InProcessWorkflow workflow;

  /**
   * Starts the engines under {@code dataDirectory} and wires the runtime.
   *
   * @param settings settings read from the environment
   * @param dataDirectory where DynamoDB Local and the S3 server keep their files
   * @param agents the agent catalog
   * @param listener progress output
   * @throws IllegalArgumentException when the settings name a model provider not available here
   */
  public LocalGantry(Settings settings, Path dataDirectory, AgentCatalog agents, StageListener listener) {
    this(settings, dataDirectory, agents, listener, ModelClients.fromSettings(settings));
  }

  /**
   * As above, with the agents' model given rather than chosen by the settings ({@code gantry replay}
   * gives a {@link dev.gantry.model.replay.NoModel}: its replays answer from recordings).
   *
   * @param model the model the runtime's executor runs agents on
   */
  public LocalGantry(Settings settings, Path dataDirectory, AgentCatalog agents, StageListener listener, ModelClient model) {
    this(settings, dataDirectory, EnumSet.allOf(EmbeddedEngines.Engine.class), () -> agents, listener, model);
  }

  /**
   * Starts only {@code engines} (which must include DynamoDB: sessions live there) and wires the
   * runtime meanwhile: the SDK clients are built, the agent catalog loaded and the runtime wired on
   * this thread while the engines start on theirs; then the tables (and buckets, with S3) are
   * created if missing. Stores on an engine not started throw {@link IllegalStateException} when used.
   *
   * @param engines the engines to start
   * @param agents loads the agent catalog
   */
  public LocalGantry(Settings settings, Path dataDirectory, Set<EmbeddedEngines.Engine> engines, Supplier<AgentCatalog> agents,
      StageListener listener, ModelClient model) {
    if (!engines.contains(EmbeddedEngines.Engine.DYNAMODB)) {
      throw new IllegalArgumentException("the local stores need DynamoDB Local: " + engines);
    }
    Clock clock = Clock.systemUTC();
    this.engines = EmbeddedEngines.start(dataDirectory, engines);
    LocalStores builtStores = null;
    GantryRuntime builtRuntime = null;
    InProcessWorkflow builtWorkflow = null;
    try {
      builtStores = new LocalStores(this.engines, settings, clock, false);
      this.agents = agents.get();
      builtRuntime = new GantryRuntime(settings, builtStores.sessions(), builtStores.documents(), model, this.agents, clock, listener);
      builtWorkflow = new InProcessWorkflow(builtRuntime.executor(), builtStores.sessions(), 2);
      builtStores.createMissing();
    } catch (RuntimeException e) {
      for (AutoCloseable opened : java.util.Arrays.asList(builtWorkflow, builtRuntime, builtStores, this.engines)) {
        try {
          if (opened != null) {
            opened.close();
          }
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
    this.stores = builtStores;
    this.runtime = builtRuntime;
    this.workflow = builtWorkflow;
  }

  /** The runtime: session service and executor. */
  public GantryRuntime runtime() {
    return runtime;
  }

  /** Runs sessions in the background, for {@code gantry serve}. */
  public InProcessWorkflow workflow() {
    return workflow;
  }

  /**
   * The HTTP API on the local stores: documents are streamed, pushes are delivered in-process to
   * the rule matching, sessions run on {@link #workflow()}.
   *
   * @param rules which pushes start sessions
   * @param secrets the webhook secrets
   */
  public GantryApi api(PushRules rules, WebhookSecrets secrets) {
    PushSessionStarter pushes = new PushSessionStarter(rules, runtime.sessions(), workflow);
    return new GantryApi(runtime.sessions(), workflow, stores.documents(), DocumentDelivery.streamed(stores.documents()),
        agents, secrets, rules, pushes, sessionId -> Optional.empty());
  }

  /** Finds and recovers the sessions a stopped gantry process left RUNNING. */
  public SessionRecovery recovery() {
    return new SessionRecovery(runtime.executor(), stores.sessions(), Clock.systemUTC());
  }

  /** The session store. */
  public SessionStore sessionStore() {
    return stores.sessions();
  }

  /** The document store. */
  public DocumentStore documents() {
    return stores.documents();
  }

  /** The embedded engines, for tests that reach them directly. */
  public EmbeddedEngines engines() {
    return engines;
  }

  /** The stores, for tests. */
  public LocalStores stores() {
    return stores;
  }

  @Override
  public void close() {
    workflow.close();
    runtime.close();
    stores.close();
    engines.close();
  }
}

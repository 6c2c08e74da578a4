package dev.gantry.local;

import dev.gantry.agent.AgentCatalog;
import dev.gantry.agent.AgentRunner;
import dev.gantry.config.Settings;
import dev.gantry.model.ModelClient;
import dev.gantry.model.offline.OfflineModel;
import dev.gantry.pipeline.PipelineDefinition;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageListener;
import dev.gantry.pipeline.Stages;
import dev.gantry.config.GantryRuntime;
import java.nio.file.Path;
import java.time.Clock;
import dev.gantry.document.DocumentStore;
import dev.gantry.testing.AwsWireStub;
import java.util.HashMap;
import java.util.Map;

/** Executors for tests: the standard stages with the offline model and this repository's agents, some replaced. */
final class TestPipelines {
  /** This repository: a real one to run sessions on. */
  static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  private TestPipelines() {}

  /**
   * The standard stages with the offline model, this repository's agents, the settings' checkout and
   * the settings' deploy mode (CloudFormation signed with the wire stubs' test credentials).
   */
  static Map<String, Stage> standardStages(Settings settings, DocumentStore documents) {
    return standardStages(settings, documents, AgentCatalog.load(REPOSITORY.resolve("agents")), new OfflineModel());
  }

  /** The standard stages with {@code agents} running on {@code model}, labelled with its description. */
  static Map<String, Stage> standardStages(Settings settings, DocumentStore documents, AgentCatalog agents, ModelClient model) {
    return Stages.standard(
        agents, new AgentRunner(model), settings.modelSelection(),
        new AgentRunner.Limits(20, 1_000_000, 8192), Clock.systemUTC(), model.describe(),
        GantryRuntime.checkout(settings), GantryRuntime.deployments(settings, documents, AwsWireStub.CREDENTIALS));
  }

  static PipelineExecutor executor(LocalStores stores, Settings settings, PipelineDefinition definition,
      Map<String, Stage> overrides, PipelineExecutor.Sleeper sleeper) {
    return executor(stores, settings, dev.gantry.pipeline.Pipelines.of(definition), overrides, sleeper);
  }

  /** An executor of {@code pipelines}, each session running its own. */
  static PipelineExecutor executor(LocalStores stores, Settings settings, dev.gantry.pipeline.Pipelines pipelines,
      Map<String, Stage> overrides, PipelineExecutor.Sleeper sleeper) {
    Map<String, Stage> stages = new HashMap<>(standardStages(settings, stores.documents()));
    stages.putAll(overrides);
    return new PipelineExecutor(pipelines, stages, stores.sessions(), stores.documents(),
        GantryRuntime.repositories(settings, stores.documents()), Clock.systemUTC(), sleeper, StageListener.NONE);
  }
}

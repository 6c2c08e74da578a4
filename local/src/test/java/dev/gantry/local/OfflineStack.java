package dev.gantry.local;

import dev.gantry.config.Settings;
import dev.gantry.pipeline.PipelineExecutor;
import dev.gantry.pipeline.Pipelines;
import dev.gantry.session.SessionService;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;

/**
 * What the pipeline ITs share: embedded DynamoDB Local and s3proxy under {@code data}, their stores,
 * a session service accepting local folders anywhere, and an executor of every pipeline on the
 * offline model with this repository's agents that never sleeps. One per test class; closes all.
 */
final class OfflineStack implements AutoCloseable {
  final EmbeddedEngines engines;
  final LocalStores stores;
  final SessionService sessions;
  final PipelineExecutor executor;

  OfflineStack(Path data, Settings settings) {
    engines = EmbeddedEngines.start(data);
    stores = new LocalStores(engines, settings, Clock.systemUTC());
    sessions = new SessionService(stores.sessions(), Clock.systemUTC(), () -> UUID.randomUUID().toString(), true);
    executor = TestPipelines.executor(stores, settings, Pipelines.standard(), Map.of(), delay -> { });
  }

  @Override
  public void close() {
    executor.close();
    stores.close();
    engines.close();
  }
}

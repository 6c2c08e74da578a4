package dev.gantry.pipeline;

import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.session.Session;
import java.util.function.Supplier;

/**
 * What a stage attempt gets: the session as it was when the stage started, its declaration, the
 * attempt number (1-based), the sandboxed repository and the session's documents.
 */
public record StageContext(
    Session session,
    StageDefinition definition,
    int attempt,
    Supplier<RepositorySnapshot> repositorySnapshot,
    SessionDocuments documents) {

  /**
   * The session's repository snapshot, opened when asked for (the checkout stage, which makes it,
   * never asks); the snapshot cache extracts it once per digest.
   */
  public RepositorySnapshot repository() {
    return repositorySnapshot.get();
  }
}

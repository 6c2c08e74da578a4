package dev.gantry.pipeline;

import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.session.Session;
import java.util.function.Supplier;

/**
 * What a stage attempt gets: the session as it was when the stage started, its declaration, the
 * attempt number (1-based), the sandboxed repository, the session's documents, and where an agent
 * stage reports its calls as they happen ({@link StageListener#agentCalled}).
 */
public record StageContext(
    Session session,
    StageDefinition definition,
    int attempt,
    Supplier<RepositorySnapshot> repositorySnapshot,
    SessionDocuments documents,
    StageListener listener) {

  /** A context whose calls nobody watches. */
  public StageContext(Session session, StageDefinition definition, int attempt, Supplier<RepositorySnapshot> repositorySnapshot,
      SessionDocuments documents) {
    this(session, definition, attempt, repositorySnapshot, documents, StageListener.NONE);
  }

  /**
   * The session's repository snapshot, opened when asked for (the checkout stage, which makes it,
   * never asks); the snapshot cache extracts it once per digest.
   */
  public RepositorySnapshot repository() {
    return repositorySnapshot.get();
  }
}

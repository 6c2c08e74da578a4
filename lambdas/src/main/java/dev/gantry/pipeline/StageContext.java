package dev.gantry.pipeline;

import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.session.Session;

/**
 * What a stage attempt gets: the session as it was when the stage started, its declaration, the
 * attempt number (1-based), the sandboxed repository and the session's documents.
 */
public record StageContext(
    Session session,
    StageDefinition definition,
    int attempt,
    RepositorySnapshot repository,
    SessionDocuments documents) {}

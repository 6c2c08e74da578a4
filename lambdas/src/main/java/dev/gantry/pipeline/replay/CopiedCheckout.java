package dev.gantry.pipeline.replay;

import dev.gantry.document.DocumentRef;
import dev.gantry.pipeline.Stage;
import dev.gantry.pipeline.StageContext;
import dev.gantry.pipeline.StageOutcome;
import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.session.Session;

/**
 * A replay's checkout: checks out nothing, and records the original session's {@value
 * SnapshotArchive#DOCUMENT_NAME} (the same object, key and SHA-256) and pinned commit, so the
 * replayed stages read exactly the files the original read.
 */
final class CopiedCheckout implements Stage {
  private final Session original;
  private final DocumentRef snapshot;

  /** @param original a session whose checkout stored a snapshot (checked by {@link SessionReplay}) */
  CopiedCheckout(Session original) {
    this.original = original;
    this.snapshot = original.documents().get(SnapshotArchive.DOCUMENT_NAME);
  }

  @Override
  public StageOutcome run(StageContext context) {
    context.documents().reuse(snapshot);
    RepositoryCheckout pinned = original.checkout();
    String commit = pinned.commit() == null ? "the working tree" : "commit " + pinned.commit().substring(0, 12);
    return StageOutcome.checkedOut("copied from session " + original.sessionId() + ": " + commit + " of " + pinned.source()
        + ", " + pinned.fileCount() + " files, " + SnapshotArchive.DOCUMENT_NAME + " sha256 " + snapshot.sha256(), pinned);
  }
}

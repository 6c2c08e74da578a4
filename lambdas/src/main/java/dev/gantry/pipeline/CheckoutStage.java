package dev.gantry.pipeline;

import dev.gantry.document.DocumentRef;
import dev.gantry.repo.LocalCheckout;
import dev.gantry.repo.RepositoryAccessException;
import dev.gantry.repo.RepositoryCheckout;
import dev.gantry.repo.RepositoryFetchException;
import dev.gantry.repo.RepositorySnapshot;
import dev.gantry.repo.ScratchSpace;
import dev.gantry.repo.SnapshotArchive;
import dev.gantry.repo.SnapshotCache;
import dev.gantry.repo.SnapshotLimits;
import dev.gantry.repo.git.GitCheckout;
import dev.gantry.session.Session;
import dev.gantry.session.SessionOrigin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * The first stage: pins the session's repository to one commit and stores its files as {@value
 * SnapshotArchive#DOCUMENT_NAME}, whose SHA-256 the session records; every later stage reads that
 * snapshot ({@link #snapshots}), never the live repository, so all stages see one commit.
 *
 * <p>A session named by URL is fetched with {@link GitCheckout} (its {@code ref}, or its {@code
 * commit} when given, as push sessions are); a local folder is read as it is ({@link
 * LocalCheckout}). A network error is retried by the stage's policy; authentication, a missing
 * ref or a limit fails the session at once with the reason. Nothing is stored unless the whole
 * snapshot was written.
 */
public final class CheckoutStage implements Stage {
  private final GitCheckout git;
  private final SnapshotLimits limits;
  private final Path scratch;
  private final java.util.Optional<String> sessionLink;

  /**
   * @param git fetches repositories named by URL
   * @param limits the most a snapshot may hold
   * @param scratch a folder for temporary repositories ({@code /tmp/gantry} in Lambda)
   */
  public CheckoutStage(GitCheckout git, SnapshotLimits limits, Path scratch) {
    this(git, limits, scratch, java.util.Optional.empty());
  }

  /**
   * As above, with the link to a session that review commit statuses carry.
   *
   * @param sessionLink where a session is read, {@code {sessionId}} standing for its id
   */
  public CheckoutStage(GitCheckout git, SnapshotLimits limits, Path scratch, java.util.Optional<String> sessionLink) {
    this.git = git;
    this.limits = limits;
    this.scratch = scratch;
    this.sessionLink = sessionLink;
  }

  /** What posts review results on pushed commits, with this checkout's Git tokens. */
  ReviewStatuses reviewStatuses() {
    return new ReviewStatuses(git, dev.gantry.push.CommitStatuses.create(), sessionLink);
  }

  /** The stage that pushes an approved patch as a branch, with this checkout's Git access and scratch folder. */
  public PublishStage publishing() {
    return new PublishStage(git, scratch);
  }

  /** The folder temporary repositories and sandboxes go in. */
  public Path scratch() {
    return scratch;
  }

  @Override
  public StageOutcome run(StageContext context) {
    Session session = context.session();
    SessionOrigin origin = session.origin();
    String url = origin == null ? null : origin.repositoryUrl();
    ScratchSpace.removeAbandoned(scratch, name -> true);
    Path archiveFile = null;
    RepositoryCheckout checkout;
    DocumentRef snapshot;
    try {
      Files.createDirectories(scratch);
      archiveFile = Files.createTempFile(scratch, "snapshot-", ".tar.gz");
      try (SnapshotArchive.Writer archive = new SnapshotArchive.Writer(
          new java.io.BufferedOutputStream(Files.newOutputStream(archiveFile)), limits)) {
        checkout = url != null
            ? git.checkout(url, origin.ref(), origin.commit(), archive, scratch)
            : LocalCheckout.checkout(Path.of(session.repository()), archive);
      } catch (RepositoryFetchException e) { // also from closing the archive: a limit reached at the end
        throw OutsideCalls.answer(e, e.retryable());
      }
      snapshot = context.documents().write(SnapshotArchive.DOCUMENT_NAME, archiveFile);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the snapshot under " + scratch, e);
    } finally {
      ScratchSpace.delete(archiveFile);
    }
    String commit = checkout.commit() == null ? "the working tree" : "commit " + checkout.commit().substring(0, 12);
    String summary = String.format(Locale.ROOT, "%s of %s%s: %d files, %d bytes (%s %d bytes)%s", commit, checkout.source(),
        checkout.ref() == null ? "" : " (" + checkout.ref() + ")", checkout.fileCount(), checkout.byteCount(),
        SnapshotArchive.DOCUMENT_NAME, snapshot.sizeBytes(),
        checkout.droppedCount() == 0 ? "" : "; " + checkout.droppedCount() + " links out of the tree, special files or submodules left out");
    return StageOutcome.checkedOut(summary, checkout);
  }

  /**
   * How later stages open a session's repository: the extracted {@value
   * SnapshotArchive#DOCUMENT_NAME} from {@code cache}, sandboxed.
   *
   * @param readLimitBytes the most bytes one read_file returns
   * @return a function that throws {@link RepositoryAccessException} for a session without a
   *     snapshot (one stored before the checkout stage existed)
   */
  public static Function<Session, RepositorySnapshot> snapshots(SnapshotCache cache, long readLimitBytes) {
    return session -> {
      DocumentRef snapshot = session.documents().get(SnapshotArchive.DOCUMENT_NAME);
      if (snapshot == null) {
        throw new RepositoryAccessException("session " + session.sessionId() + " has no repository snapshot: "
            + "start a new session, whose checkout stage makes one");
      }
      return new RepositorySnapshot(cache.extracted(snapshot), readLimitBytes, 2000);
    };
  }
}

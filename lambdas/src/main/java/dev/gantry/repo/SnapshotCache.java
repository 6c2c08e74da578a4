package dev.gantry.repo;

import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.hash.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Extracted snapshots kept on local disk by their SHA-256, so a warm function (or the gantry
 * command) extracts a session's {@code repository.tar.gz} once and every later stage reads the same
 * files. The archive is checked against the digest recorded on the session before it is extracted;
 * extraction goes to a temporary folder renamed into place, so a half-extracted snapshot is never
 * seen. The least recently used snapshots beyond {@code keep} are removed, which bounds the disk
 * ({@code /tmp} in Lambda).
 */
public final class SnapshotCache {
  private final DocumentStore documents;
  private final Path folder;
  private final SnapshotLimits limits;
  private final int keep;

  /**
   * @param documents where snapshots are stored
   * @param folder where extracted snapshots are kept, one folder per digest
   * @param limits the limits extraction enforces again
   * @param keep how many extracted snapshots to keep, at least 1
   */
  public SnapshotCache(DocumentStore documents, Path folder, SnapshotLimits limits, int keep) {
    this.documents = documents;
    this.folder = folder;
    this.limits = limits;
    this.keep = Math.max(1, keep);
  }

  /**
   * The extracted files of {@code snapshot}.
   *
   * @throws RepositoryAccessException when the stored archive is missing or its SHA-256 differs from
   *     the one recorded
   */
  public Path extracted(DocumentRef snapshot) {
    Path target = folder.resolve(snapshot.sha256());
    try {
      Files.createDirectories(folder);
      if (Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        return target;
      }
      evictOthers();
      Path partial = Files.createTempDirectory(folder, "extracting-");
      java.security.MessageDigest digest = Sha256.digest();
      try (java.io.InputStream stored = documents.open(snapshot.key()).orElseThrow(() ->
              new RepositoryAccessException("the snapshot " + snapshot.key() + " is missing from the document store"));
           java.security.DigestInputStream hashed = new java.security.DigestInputStream(stored, digest)) {
        // extracted as it streams in, never held in memory; trusted only once the whole stream matched
        // the buffer answers gzip's mark/reset itself: a reset must never make the digest read bytes twice
        SnapshotArchive.extract(new java.io.BufferedInputStream(org.apache.commons.io.input.CloseShieldInputStream.wrap(hashed)),
            partial, limits);
        hashed.transferTo(java.io.OutputStream.nullOutputStream());
      } catch (RuntimeException | IOException e) {
        ScratchSpace.delete(partial);
        throw e;
      }
      if (!java.util.HexFormat.of().formatHex(digest.digest()).equals(snapshot.sha256())) {
        ScratchSpace.delete(partial);
        throw new RepositoryAccessException("the snapshot " + snapshot.key() + " does not match the SHA-256 recorded on the session");
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileSystemException raced) {
        // an atomic rename onto a folder another stage filled first fails as a plain FileSystemException
        // ("Directory not empty"), not as DirectoryNotEmptyException: whatever the type, that snapshot is the one
        ScratchSpace.delete(partial);
        if (!Files.isDirectory(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          throw raced;
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the snapshot into " + folder, e);
    }
  }

  /**
   * Removes the least recently used snapshots beyond {@code keep - 1}, and extractions a stopped
   * process left behind (older than an hour). A snapshot is renamed away before it is deleted, so no
   * stage ever finds a half-deleted one under its digest.
   */
  private void evictOthers() throws IOException {
    ScratchSpace.removeAbandoned(folder, name -> name.startsWith("extracting-") || name.startsWith("evicted-"));
    List<Path> extracted;
    try (Stream<Path> children = Files.list(folder)) {
      extracted = children.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}"))
          .sorted(Comparator.comparing(ScratchSpace::lastModified).reversed()).toList();
    }
    for (Path old : extracted.subList(Math.min(extracted.size(), keep - 1), extracted.size())) {
      Path evicted = folder.resolve("evicted-" + old.getFileName());
      try {
        Files.move(old, evicted, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException gone) {
        continue; // another process evicted it first
      }
      ScratchSpace.delete(evicted);
    }
  }


}

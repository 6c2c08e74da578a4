package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.document.DocumentRef;
import dev.gantry.document.DocumentStore;
import dev.gantry.hash.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extracted snapshots by digest, on an in-memory document store that counts reads. */
class SnapshotCacheTest {
  @TempDir Path folder;
  final Map<String, byte[]> objects = new ConcurrentHashMap<>();
  final AtomicInteger opened = new AtomicInteger();
  /** Run once when the next archive is opened: another stage's extraction finishing first. */
  final java.util.concurrent.atomic.AtomicReference<Runnable> meanwhile = new java.util.concurrent.atomic.AtomicReference<>();
  final DocumentStore store = new DocumentStore() {
    @Override public DocumentRef put(String key, byte[] content, String contentType) {
      objects.put(key, content);
      return new DocumentRef(key.substring(key.lastIndexOf('/') + 1), key, content.length, Sha256.hex(content), contentType);
    }
    @Override public DocumentRef put(String key, Path file, String contentType) {
      try {
        return put(key, Files.readAllBytes(file), contentType);
      } catch (java.io.IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    @Override public Optional<byte[]> get(String key) {
      return Optional.ofNullable(objects.get(key));
    }
    @Override public Optional<InputStream> open(String key) {
      opened.incrementAndGet();
      Runnable other = meanwhile.getAndSet(null);
      if (other != null) {
        other.run();
      }
      return get(key).map(ByteArrayInputStream::new);
    }
    @Override public String locationOf(String key) {
      return "memory://" + key;
    }
  };

  private DocumentRef snapshot(String key, String content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SnapshotArchive.Writer writer = new SnapshotArchive.Writer(bytes, SnapshotLimits.DEFAULT)) {
      writer.addFile("README.md", content.getBytes(StandardCharsets.UTF_8), false);
    }
    return store.put(key, bytes.toByteArray(), "application/gzip");
  }

  @Test
  void a_snapshot_is_extracted_once_and_found_by_its_digest_afterwards() {
    SnapshotCache cache = new SnapshotCache(store, folder, SnapshotLimits.DEFAULT, 2);
    DocumentRef ref = snapshot("sessions/a/repository.tar.gz", "# A\n");

    Path first = cache.extracted(ref);
    Path again = cache.extracted(ref);

    assertThat(first).isEqualTo(again).isEqualTo(folder.resolve(ref.sha256()));
    assertThat(first.resolve("README.md")).hasContent("# A");
    assertThat(opened).hasValue(1);
  }

  @Test
  void an_archive_that_differs_from_the_recorded_digest_is_refused_and_leaves_nothing() {
    SnapshotCache cache = new SnapshotCache(store, folder, SnapshotLimits.DEFAULT, 2);
    DocumentRef ref = snapshot("sessions/b/repository.tar.gz", "# B\n");
    snapshot("sessions/b/repository.tar.gz", "# tampered\n"); // the stored object changes after the digest was recorded

    assertThatThrownBy(() -> cache.extracted(ref)).isInstanceOf(RepositoryAccessException.class)
        .hasMessageContaining("does not match the SHA-256 recorded");
    assertThat(folder.resolve(ref.sha256())).doesNotExist();
    assertThat(folder.toFile().list()).isEmpty();
  }

  @Test
  void only_the_most_recently_used_snapshots_are_kept() {
    SnapshotCache cache = new SnapshotCache(store, folder, SnapshotLimits.DEFAULT, 1);
    DocumentRef a = snapshot("sessions/a/repository.tar.gz", "# A\n");
    DocumentRef c = snapshot("sessions/c/repository.tar.gz", "# C\n");

    cache.extracted(a);
    cache.extracted(c);

    assertThat(folder.resolve(a.sha256())).doesNotExist();
    assertThat(folder.resolve(c.sha256()).resolve("README.md")).hasContent("# C");
  }

  @Test
  void a_snapshot_another_stage_extracted_meanwhile_is_used_rather_than_failing_the_stage() {
    SnapshotCache cache = new SnapshotCache(store, folder, SnapshotLimits.DEFAULT, 4);
    SnapshotCache otherProcess = new SnapshotCache(store, folder, SnapshotLimits.DEFAULT, 4);
    DocumentRef ref = snapshot("sessions/d/repository.tar.gz", "# D\n");
    meanwhile.set(() -> otherProcess.extracted(ref));

    Path extracted = cache.extracted(ref);

    assertThat(extracted).isEqualTo(folder.resolve(ref.sha256()));
    assertThat(extracted.resolve("README.md")).hasContent("# D");
    assertThat(folder.toFile().list()).as("no half-extracted folder left").containsExactly(ref.sha256());
  }
}

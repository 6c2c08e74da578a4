package dev.gantry.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot archives: what a writer keeps, and what extraction refuses from a tampered archive. */
class SnapshotArchiveTest {
  @TempDir Path folder;

  /** A tar.gz written without Gantry's writer, as an attacker would. */
  private static byte[] tampered(String... entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      for (String entry : entries) {
        String[] parts = entry.split(" -> ");
        TarArchiveEntry e;
        if (parts.length == 2) {
          e = new TarArchiveEntry(parts[0], TarArchiveEntry.LF_SYMLINK);
          e.setLinkName(parts[1]);
          tar.putArchiveEntry(e);
        } else {
          e = new TarArchiveEntry(entry);
          e.setSize(2);
          tar.putArchiveEntry(e);
          tar.write("hi".getBytes(StandardCharsets.UTF_8));
        }
        tar.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void links_out_of_the_tree_are_dropped_and_counted_and_links_inside_are_kept() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SnapshotArchive.Writer writer = new SnapshotArchive.Writer(bytes, SnapshotLimits.DEFAULT)) {
      writer.addFile("src/a.txt", "a".getBytes(StandardCharsets.UTF_8), false);
      assertThat(writer.addLink("docs/a", "../src/a.txt")).isTrue();
      assertThat(writer.addLink("up", "../outside")).isFalse();
      assertThat(writer.addLink("abs", "/etc/passwd")).isFalse();
      assertThat(writer.dropped()).isEqualTo(2);
    }
    SnapshotArchive.extract(new ByteArrayInputStream(bytes.toByteArray()), folder, SnapshotLimits.DEFAULT);

    assertThat(folder.resolve("docs/a")).hasContent("a");
    assertThat(folder.resolve("up")).doesNotExist();
  }

  @Test
  void a_link_that_climbs_out_through_another_link_is_dropped_whatever_the_order() throws IOException {
    java.util.Set<String> links = java.util.Set.of("0", "a/up");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SnapshotArchive.Writer writer = new SnapshotArchive.Writer(bytes, SnapshotLimits.DEFAULT)) {
      assertThat(writer.addLink("0", "a/up/..", links)).as("0 -> a/up/.. with a/up -> ..").isFalse();
      assertThat(writer.addLink("a/up", "..", links)).as("a/up -> .. is the tree's own root").isTrue();
      assertThat(writer.addLink("b", "a/up", links)).as("a link to a link").isFalse();
      assertThat(writer.dropped()).isEqualTo(2);
    }
  }

  @Test
  void extraction_refuses_a_link_chain_that_leads_out_in_either_order() throws IOException {
    Path first = Files.createDirectories(folder.resolve("first/snapshot"));
    Path second = Files.createDirectories(folder.resolve("second/snapshot"));

    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("0 -> a/up/..", "a/up -> ..")), first,
        SnapshotLimits.DEFAULT)).isInstanceOf(RepositoryAccessException.class).hasMessageContaining("outside the tree");
    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("a/up -> ..", "0 -> a/up/..")), second,
        SnapshotLimits.DEFAULT)).isInstanceOf(RepositoryAccessException.class).hasMessageContaining("outside the tree");
    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("l -> x", "l/y/z.txt")),
        Files.createDirectories(folder.resolve("third")), SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryAccessException.class).hasMessageContaining("lies below a link");
    assertThat(folder.resolve("third/x")).doesNotExist(); // nothing was created through the link
  }

  @Test
  void a_tampered_archive_cannot_write_outside_the_folder() throws IOException {
    Path inside = Files.createDirectories(folder.resolve("snapshot"));

    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("../evil.txt")), inside, SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryAccessException.class).hasMessageContaining("not a safe relative path");
    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("a -> ../..")), inside, SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryAccessException.class).hasMessageContaining("points outside the tree");
    // each link stays inside on its own, but together they climb out: a -> ., then a/b -> .. is created as b -> ..
    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("a -> .", "a/b/c -> ../..", "a/b/c/evil.txt")),
        Files.createDirectories(folder.resolve("chained")), SnapshotLimits.DEFAULT))
        .isInstanceOf(RepositoryAccessException.class);
    assertThat(folder.resolve("evil.txt")).doesNotExist();
    assertThat(folder.getParent().resolve("evil.txt")).doesNotExist();
  }

  @Test
  void an_archive_beyond_the_limits_is_refused() throws IOException {
    assertThatThrownBy(() -> SnapshotArchive.extract(new ByteArrayInputStream(tampered("a.txt", "b.txt")), folder,
        new SnapshotLimits(100, 1, 100))).isInstanceOf(SnapshotLimitException.class);
  }
}

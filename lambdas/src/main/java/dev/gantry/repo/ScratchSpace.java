package dev.gantry.repo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.io.file.PathUtils;

/**
 * Clean-up of the scratch folder where fetches and extractions work ({@code /tmp/gantry} in
 * Lambda). A leftover costs disk, not correctness, so failures to delete are ignored; what a
 * stopped process left (a Lambda timeout, Ctrl-C) is removed once it is older than {@link
 * #ABANDONED_AFTER}.
 */
public final class ScratchSpace {
  /** How old a scratch entry must be before it counts as abandoned: far longer than any stage attempt. */
  public static final Duration ABANDONED_AFTER = Duration.ofHours(1);

  private ScratchSpace() {}

  /** Deletes a file or a folder with everything in it, without following links; null and missing are fine. */
  public static void delete(Path path) {
    if (path == null) {
      return;
    }
    try {
      PathUtils.delete(path);
    } catch (IOException | UncheckedIOException e) {
      // a leftover costs disk, not correctness
    }
  }

  /** Deletes the entries of {@code folder} whose names match and that are older than {@link #ABANDONED_AFTER}. */
  public static void removeAbandoned(Path folder, Predicate<String> names) {
    FileTime before = FileTime.from(Instant.now().minus(ABANDONED_AFTER));
    List<Path> children;
    try (Stream<Path> listing = Files.list(folder)) {
      children = listing.filter(p -> names.test(p.getFileName().toString())).toList();
    } catch (IOException | UncheckedIOException e) {
      return; // no folder yet
    }
    children.stream().filter(p -> lastModified(p).compareTo(before) < 0).forEach(ScratchSpace::delete);
  }

  /** A path's modification time, or the epoch when it cannot be read (it sorts as oldest). */
  static FileTime lastModified(Path path) {
    try {
      return Files.getLastModifiedTime(path);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
